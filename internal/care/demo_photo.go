package care

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"zhijia/internal/photo"
	"zhijia/internal/platform"
)

// demoPhotoStations is how many demo stations get a photo.
const demoPhotoStations = 6

// SeedDemoPhotos gives the city's first demo stations a drawn photo each, so
// the station pages and the portal's cards show one; it does nothing when
// those stations have photos already.
func SeedDemoPhotos(ctx context.Context, db *platform.DB, photos *photo.Store, city int64) error {
	rows, err := db.Query(ctx, `SELECT `+stationCols+` FROM care_stations s JOIN orgs o ON o.id = s.org_id
		WHERE s.city_id = ? ORDER BY s.id LIMIT ?`, city, demoPhotoStations)
	if err != nil {
		return fmt.Errorf("care: demo photos: %w", err)
	}
	var sts []*Station
	for rows.Next() {
		st, err := scanStation(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("care: demo photos: %w", err)
		}
		sts = append(sts, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(sts) == 0 {
		return err
	}
	ids := make([]int64, len(sts))
	for i, st := range sts {
		ids[i] = st.ID
	}
	have, err := photos.IDs(ctx, StationPhotoKind, ids)
	if err != nil || len(have) > 0 {
		return err
	}
	ctx = platform.WithActor(ctx, platform.System("demo"))
	for i, st := range sts {
		if _, err := photos.Add(ctx, stationOwner(st), "驿站外景.png", bytes.NewReader(demoStationPicture(i))); err != nil {
			return fmt.Errorf("care: demo photo of station %d: %w", st.ID, err)
		}
	}
	return nil
}

// demoStationPicture draws a small station front: sky, a union-red house with
// a white band and a door; variant shifts the sky's colour.
func demoStationPicture(variant int) []byte {
	const w, h = 480, 320
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	sky := color.RGBA{uint8(170 + 10*(variant%4)), 210, 240, 255}
	red, white := color.RGBA{200, 22, 29, 255}, color.RGBA{255, 255, 255, 255}
	door, ground := color.RGBA{120, 72, 40, 255}, color.RGBA{190, 190, 180, 255}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := sky
			switch {
			case y >= 270:
				c = ground
			case x >= 200 && x < 280 && y >= 190:
				c = door
			case x >= 80 && x < 400 && y >= 120 && y < 140:
				c = white
			case x >= 80 && x < 400 && y >= 100:
				c = red
			case y >= 40 && y < 100 && x-240 <= 2*(y-40)+20 && 240-x <= 2*(y-40)+20:
				c = red // the roof
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic("care: demo picture: " + err.Error())
	}
	return b.Bytes()
}
