package people

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/sheet"
)

// RosterSpec is the worker roster's import file: the template's columns and the
// headers accepted in uploads. groups are the new-employment groups (kept as data).
func RosterSpec(groups []Group) sheet.Spec {
	var edu, models, grp []string
	for _, e := range Educations() {
		edu = append(edu, label("people.edu."+e))
	}
	for _, m := range ModelLevels() {
		models = append(models, label(m.LabelKey()))
	}
	for _, g := range groups {
		grp = append(grp, g.NameZH)
	}
	return sheet.Spec{Name: "职工名册", MaxBytes: 200 << 20, Columns: []sheet.Column{
		{Key: "name", Header: "姓名", Required: true},
		{Key: "id_number", Header: "身份证号", Aliases: []string{"身份证号码", "公民身份号码"}, Required: true, Text: true,
			Hint: "18位，最后一位可以是X"},
		{Key: "phone", Header: "手机号", Aliases: []string{"手机", "手机号码", "联系电话"}, Text: true, Hint: "11位手机号"},
		{Key: "org", Header: "所属工会", Aliases: []string{"工会", "所在工会"}, Hint: "工会全称或编号；不填则导入到页面上选择的工会"},
		{Key: "employer", Header: "单位", Aliases: []string{"工作单位"}},
		{Key: "post", Header: "岗位"},
		{Key: "education", Header: "学历", Choices: edu},
		{Key: "member", Header: "是否会员", Choices: []string{"是", "否"}},
		{Key: "joined_on", Header: "入会日期", Hint: "如 2020-05-01"},
		{Key: "model_level", Header: "劳模级别", Choices: models},
		{Key: "craftsman", Header: "工匠称号"},
		{Key: "group", Header: "新就业形态群体", Choices: grp},
	}}
}

// importer holds one import's state while rows stream through.
type importer struct {
	ctx     context.Context
	s       *Store
	now     time.Time
	def     *union
	mode    ImportMode
	edu     map[string]string // label or code → code
	models  map[string]ModelLevel
	groups  map[string]string
	unions  map[string]unionLookup
	pending []*importRow
	pendAt  map[int]*importRow // line → pending row
	errs    map[int]*sheet.RowError
	refused lineSet // every refused line, uncapped (errs stops at maxImportErrors)
	ids     *sheet.DupTracker
	phones  *sheet.DupTracker
	res     *ImportResult
	stage   stager // the checked rows until the final move
}

// importRow is a valid row waiting to be written, its personal data sealed.
type importRow struct {
	line            int
	raw             []string
	u               *union
	c               *checked
	idIdx, phoneIdx string
	idSealed        string
	phoneSealed     string
	refused         bool
}

type unionLookup struct {
	u      *union
	reason string
}

func newImporter(ctx context.Context, s *Store, now time.Time, def *union, groups []Group, mode ImportMode) *importer {
	im := &importer{ctx: ctx, s: s, now: now, def: def, mode: mode,
		edu: map[string]string{}, models: map[string]ModelLevel{"": ModelNone, "无": ModelNone}, groups: map[string]string{"": "", "无": ""},
		unions: map[string]unionLookup{}, pendAt: map[int]*importRow{}, errs: map[int]*sheet.RowError{},
		ids: sheet.NewDupTracker(), phones: sheet.NewDupTracker(), res: &ImportResult{}}
	for _, e := range Educations() {
		im.edu[e], im.edu[label("people.edu."+e)] = e, e
	}
	for _, m := range ModelLevels() {
		im.models[string(m)], im.models[label(m.LabelKey())] = m, m
	}
	for _, g := range groups {
		im.groups[g.Code], im.groups[g.NameZH] = g.Code, g.Code
	}
	return im
}

// add takes a prepared row through the checks that need the file and the
// registry (union, the same id or mobile twice in the file); a valid one is
// queued, a refused one reported.
func (im *importer) add(p *prepared) error {
	row, reasons := p.row, p.reasons
	u, why, err := im.union(row.Values["org"])
	if err != nil {
		return err
	}
	if why != "" {
		reasons = append(reasons, why)
	}
	r := &importRow{line: row.Line, raw: row.Raw, u: u, c: p.c, idIdx: p.idIdx, phoneIdx: p.phoneIdx}
	if r.idIdx != "" && im.ids.Add(r.idIdx, row.Line) != 0 {
		reasons = append(reasons, "")
		if err := im.refuseOthers(im.ids, row.Line, "id_index", r.idIdx); err != nil {
			return err
		}
	}
	if r.phoneIdx != "" && im.phones.Add(r.phoneIdx, row.Line) != 0 {
		reasons = append(reasons, "")
		if err := im.refuseOthers(im.phones, row.Line, "phone_index", r.phoneIdx); err != nil {
			return err
		}
	}
	if len(reasons) > 0 {
		im.refuse(row.Line, row.Raw, nonEmpty(reasons))
		return nil
	}
	r.idSealed, r.phoneSealed = p.idSeal, p.phSeal
	im.pending = append(im.pending, r)
	im.pendAt[r.line] = r
	return nil
}

// input turns a row's cells into a WorkerInput; coded columns are mapped from
// their Chinese labels, and what cannot be mapped is a reason.
func (im *importer) input(row sheet.Row) (WorkerInput, []string) {
	v := row.Values
	reasons := append([]string(nil), row.Reasons...)
	in := WorkerInput{Name: v["name"], IDNumber: v["id_number"], Phone: v["phone"], Employer: v["employer"],
		Post: v["post"], Craftsman: v["craftsman"]}
	var ok bool
	if v["education"] != "" {
		if in.Education, ok = im.edu[v["education"]]; !ok {
			reasons = append(reasons, reason("education", "people.err.education_invalid"))
		}
	}
	if in.ModelLevel, ok = im.models[v["model_level"]]; !ok {
		reasons = append(reasons, reason("model_level", "people.err.model_level_invalid"))
	}
	if in.GroupCode, ok = im.groups[v["group"]]; !ok {
		reasons = append(reasons, reason("group_code", "people.err.group_invalid"))
	}
	switch v["member"] {
	case "是", "会员", "Y", "y":
		in.MemberStatus = Member
	case "否", "非会员", "N", "n", "":
		in.MemberStatus = NonMember
	default:
		reasons = append(reasons, importLabel("people.import.member_invalid"))
	}
	if d := v["joined_on"]; d != "" {
		t, err := sheet.ParseDate(d)
		if err != nil {
			reasons = append(reasons, fmt.Sprintf(importLabel("people.import.date_invalid"), d))
		} else {
			in.JoinedOn = t.Format("2006-01-02")
		}
	}
	return in, reasons
}

// reason is the report text for a field error: "学历：请从列表中选择学历".
func reason(field, key string) string {
	name := Messages["people.field."+field][0]
	if name == "" {
		return label(key)
	}
	return name + "：" + label(key)
}

// fieldReasons renders a validation error's fields in a stable order. When the
// reader already explained a number-mangled id, the parser's echo is dropped.
func fieldReasons(err error, readerSaid bool) []string {
	e, ok := platform.AsError(err)
	if !ok || e == nil {
		return nil
	}
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	var out []string
	for _, f := range names {
		key := e.Fields[f]
		if readerSaid && key == "people.err.id_scientific" {
			continue
		}
		out = append(out, reason(f, key))
	}
	return out
}

func importFieldKey(err error, field string) string {
	if e, ok := platform.AsError(err); ok && e != nil {
		return e.Fields[field]
	}
	return ""
}

func nonEmpty(list []string) []string {
	out := list[:0]
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// refuse reports a row, counting it once however often it is refused; the
// report keeps at most maxImportErrors rows.
func (im *importer) refuse(line int, raw []string, reasons []string) {
	if im.refused.has(line) {
		if e := im.errs[line]; e != nil {
			e.Reasons = append(e.Reasons, reasons...)
		}
		return
	}
	im.refused.add(line)
	im.res.Refused++
	if len(im.errs) >= maxImportErrors {
		im.res.Truncated = true
		return
	}
	im.errs[line] = &sheet.RowError{Line: line, Raw: raw, Reasons: reasons}
}

// refuseOthers refuses the earlier rows that share line's key: still pending, they
// are dropped with their cells; already staged, dropped from the stage.
// The duplicate reasons themselves are added when the import finishes.
func (im *importer) refuseOthers(t *sheet.DupTracker, line int, column, idx string) error {
	for _, o := range t.Others(line) {
		if im.refused.has(o) {
			continue
		}
		if p := im.pendAt[o]; p != nil {
			if !p.refused {
				p.refused = true
				im.refuse(o, p.raw, nil)
			}
			continue
		}
		had, err := im.stage.drop(im.ctx, column, idx)
		if err != nil {
			return fmt.Errorf("people: import: drop duplicate of row %d: %w", line, err)
		}
		if had {
			im.res.Imported--
			im.refuse(o, nil, nil)
		}
	}
	return nil
}

// lineSet is a set of file lines, one bit each: a million refused rows take 125 kB.
type lineSet []uint64

func (s *lineSet) add(line int) {
	i := line / 64
	if i >= len(*s) {
		*s = append(*s, make([]uint64, i-len(*s)+1)...)
	}
	(*s)[i] |= 1 << (line % 64)
}

func (s lineSet) has(line int) bool {
	i := line / 64
	return i < len(s) && s[i]&(1<<(line%64)) != 0
}

// union resolves the 所属工会 cell (a name or an id; blank is the default union)
// to a union the actor may import into, or gives the reason it cannot.
func (im *importer) union(v string) (*union, string, error) {
	if v == "" {
		if im.def == nil {
			return nil, importLabel("people.import.org_missing"), nil
		}
		return im.def, "", nil
	}
	if l, ok := im.unions[v]; ok {
		return l.u, l.reason, nil
	}
	l, err := im.lookupUnion(v)
	if err != nil {
		return nil, "", err
	}
	im.unions[v] = l
	return l.u, l.reason, nil
}

func (im *importer) lookupUnion(v string) (unionLookup, error) {
	q := `SELECT id, city_id, name, path, level, status FROM orgs WHERE name = ?`
	arg := any(v)
	if id, ok := parseOrgID(v); ok {
		q, arg = `SELECT id, city_id, name, path, level, status FROM orgs WHERE id = ?`, id
	}
	rows, err := im.s.db.Query(im.ctx, q, arg)
	if err != nil {
		return unionLookup{}, fmt.Errorf("people: import: union %q: %w", v, err)
	}
	defer rows.Close()
	actor := platform.ActorFrom(im.ctx)
	var found, inScope []union
	var status []string
	for rows.Next() {
		var u union
		var st string
		if err := rows.Scan(&u.ID, &u.CityID, &u.Name, &u.Path, &u.Level, &st); err != nil {
			return unionLookup{}, err
		}
		found = append(found, u)
		if actor.Covers(u.Path) {
			inScope, status = append(inScope, u), append(status, st)
		}
	}
	if err := rows.Err(); err != nil {
		return unionLookup{}, err
	}
	switch {
	case len(found) == 0:
		return unionLookup{reason: fmt.Sprintf(importLabel("people.import.org_unknown"), v)}, nil
	case len(inScope) == 0:
		return unionLookup{reason: fmt.Sprintf(importLabel("people.import.org_scope"), v)}, nil
	case len(inScope) > 1:
		return unionLookup{reason: fmt.Sprintf(importLabel("people.import.org_ambiguous"), v)}, nil
	case inScope[0].Level != "grassroots" && inScope[0].Level != "group":
		return unionLookup{reason: reason("org", "people.err.org_level")}, nil
	case status[0] != "active":
		return unionLookup{reason: reason("org", "people.err.org_closed")}, nil
	}
	u := inScope[0]
	return unionLookup{u: &u}, nil
}

// parseOrgID reads an org id typed as digits.
func parseOrgID(v string) (int64, bool) {
	if v == "" || len(v) > 15 || strings.Trim(v, "0123456789") != "" {
		return 0, false
	}
	var id int64
	fmt.Sscan(v, &id)
	return id, true
}

func (im *importer) actor() *platform.Actor { return platform.ActorFrom(im.ctx) }
