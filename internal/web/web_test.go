package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"zhijia/internal/platform"
)

func TestPager_LinksKeepFiltersAndMarkGaps(t *testing.T) {
	q := ListQuery{Values: url.Values{"q": {"鼓楼"}, "level": {"grassroots"}, "page": {"5"}}, Page: 5, Size: 20}
	p := q.Pager("/console/orgs", 400)
	if p.Pages != 20 || p.Prev == "" || p.Next == "" {
		t.Fatalf("pages %d prev %q next %q", p.Pages, p.Prev, p.Next)
	}
	var shown []string
	for _, l := range p.Links {
		if l.Gap {
			shown = append(shown, "…")
		} else {
			shown = append(shown, url.Values{}.Get("x")+string(rune('0'+l.N%10)))
		}
	}
	if got := len(p.Links); got != 9 { // 1 … 3 4 5 6 7 … 20
		t.Fatalf("want 9 links with gaps, got %d: %v", got, shown)
	}
	if !strings.Contains(p.Next, "q=%E9%BC%93%E6%A5%BC") || !strings.Contains(p.Next, "page=6") || strings.Contains(p.ExportURL, "page=") == false {
		t.Fatalf("links must keep the filter: %q %q", p.Next, p.ExportURL)
	}
	if !strings.Contains(p.ExportURL, "export=xlsx") {
		t.Fatalf("export link: %q", p.ExportURL)
	}
}

func TestSortURL_FlipsDirectionAndResetsPage(t *testing.T) {
	q := ListQuery{Values: url.Values{"sort": {"name"}, "page": {"3"}}, Sort: "name"}
	u := q.SortURL("/l", "name")
	if !strings.Contains(u, "dir=desc") || strings.Contains(u, "page=") {
		t.Fatalf("%q", u)
	}
	q.Desc = true
	if u := q.SortURL("/l", "name"); strings.Contains(u, "dir=desc") {
		t.Fatalf("second click must sort ascending: %q", u)
	}
}

func TestParseList_RejectsUnknownSortAndBadSizes(t *testing.T) {
	c := &Ctx{R: httptest.NewRequest("GET", "/l?sort=password_hash&size=100000&page=-3", nil)}
	q := c.ParseList("name", "created")
	if q.Sort != "name" || q.Size != 20 || q.Page != 1 {
		t.Fatalf("%+v", q)
	}
}

func TestPickLocale(t *testing.T) {
	s := &Server{}
	cases := []struct {
		accept, cookie, actor, want string
	}{
		{"", "", "", "zh-CN"},
		{"en-US,en;q=0.9", "", "", "en"},
		{"fr-FR", "", "", "zh-CN"},
		{"zh-TW,en;q=0.5", "", "", "zh-CN"},
		{"en", "zh-CN", "", "zh-CN"},
		{"zh-CN", "en", "", "en"},
		{"zh-CN", "zh-CN", "en", "en"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", c.accept)
		if c.cookie != "" {
			r.Header.Set("Cookie", "lang="+c.cookie)
		}
		var a *platform.Actor
		if c.actor != "" {
			a = &platform.Actor{Locale: c.actor}
		}
		if got := s.pickLocale(r, a); got != c.want {
			t.Errorf("%+v: got %s", c, got)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	for _, c := range []struct {
		origin, referer string
		want            bool
	}{
		{"http://example.com", "", true},
		{"http://evil.example", "", false},
		{"", "http://example.com/login", true},
		{"", "http://evil.example/x", false},
		{"", "", true},
	} {
		r := httptest.NewRequest("POST", "http://example.com/login", nil)
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		if c.referer != "" {
			r.Header.Set("Referer", c.referer)
		}
		if got := sameOrigin(r); got != c.want {
			t.Errorf("%+v: got %v", c, got)
		}
	}
}

func TestCatalog_DuplicateKeyWithOtherTextPanics(t *testing.T) {
	c := NewCatalog()
	c.Add(map[string][2]string{"a.b": {"甲", "A"}})
	c.Add(map[string][2]string{"a.b": {"甲", "A"}}) // same text: fine
	defer func() {
		if recover() == nil {
			t.Fatal("a key defined twice with different text must panic at start-up")
		}
	}()
	c.Add(map[string][2]string{"a.b": {"乙", "B"}})
}

func TestLocalizer_FormatsArgsAndShowsUnknownKeys(t *testing.T) {
	c := NewCatalog()
	c.Add(map[string][2]string{"list.total": {"共 %d 条", "%d in total"}})
	if got := c.Localizer("zh-CN").T("list.total", 3); got != "共 3 条" {
		t.Fatal(got)
	}
	if got := c.Localizer("en").T("list.total", 3); got != "3 in total" {
		t.Fatal(got)
	}
	if got := c.Localizer("en").T("no.such.key"); got != "no.such.key" {
		t.Fatal(got)
	}
}

func TestInlineMessages(t *testing.T) {
	c := NewCatalog()
	c.Add(map[string][2]string{"a.b": {"甲<乙>", "A & B"}, "list.total": {"共 %d 条", "%d in total"}})
	in := `<p>{{.L.T "a.b"}}</p><i title="{{$.L.T "a.b"}}">{{.L.T "list.total" 3}}</i>{{.L.T "x.unknown"}}`
	got := inlineMessages(in, c.Localizer("en"))
	want := `<p>A &amp; B</p><i title="A &amp; B">{{.L.T "list.total" 3}}</i>{{.L.T "x.unknown"}}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if zh := inlineMessages(`{{.L.T "a.b"}}`, c.Localizer("zh-CN")); zh != "甲&lt;乙&gt;" {
		t.Fatalf("zh: %s", zh)
	}
}

func TestLimitBody_OversizedFormFails(t *testing.T) {
	body := strings.NewReader("_csrf=x&big=" + strings.Repeat("a", MaxFormBytes+10))
	r := httptest.NewRequest("POST", "/x", body)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	limitBody(w, r)
	if err := r.ParseForm(); err == nil {
		t.Fatal("a form over the limit must fail to parse")
	}
}
