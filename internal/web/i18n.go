package web

import (
	"fmt"
	"net/http"
	"sort"

	"golang.org/x/text/language"

	"zhijia/internal/platform"
)

// Locales zhijia speaks; the first is the default.
var Locales = []string{"zh-CN", "en"}

// Catalog holds every user-visible string in every locale. Each package adds its
// own map of key -> {zh-CN, en}.
type Catalog struct {
	msgs    map[string][2]string
	sources map[string]string
}

// NewCatalog makes an empty catalogue.
func NewCatalog() *Catalog {
	return &Catalog{msgs: map[string][2]string{}, sources: map[string]string{}}
}

// Add merges a package's messages; a key defined twice panics at start-up.
func (c *Catalog) Add(m map[string][2]string) {
	for k, v := range m {
		if old, ok := c.msgs[k]; ok && old != v {
			panic("web: message key defined twice: " + k)
		}
		c.msgs[k] = v
	}
}

// Missing lists keys whose text is empty in some locale.
func (c *Catalog) Missing() []string {
	var out []string
	for k, v := range c.msgs {
		for i, loc := range Locales {
			if v[i] == "" {
				out = append(out, loc+": "+k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Keys lists every key.
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Localizer translates for one locale.
func (c *Catalog) Localizer(locale string) *Localizer {
	i := 0
	if locale == "en" {
		i = 1
	}
	return &Localizer{c: c, i: i}
}

// Localizer is the catalogue in one language; templates call {{$.L.T "key"}}.
type Localizer struct {
	c *Catalog
	i int
}

// Locale is the BCP 47 name.
func (l *Localizer) Locale() string { return Locales[l.i] }

// Lang is the value for <html lang>.
func (l *Localizer) Lang() string { return Locales[l.i] }

// Has reports whether key exists.
func (l *Localizer) Has(key string) bool { _, ok := l.c.msgs[key]; return ok }

// T translates key, formatting args into it; an unknown key shows as itself.
func (l *Localizer) T(key string, args ...any) string {
	m, ok := l.c.msgs[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m[l.i]
	}
	return fmt.Sprintf(m[l.i], args...)
}

// pickLocale: the user's own setting, then the lang cookie, then Accept-Language.
func (s *Server) pickLocale(r *http.Request, a *platform.Actor) string {
	if a != nil && (a.Locale == "en" || a.Locale == "zh-CN") {
		return a.Locale
	}
	if ck, err := r.Cookie("lang"); err == nil && (ck.Value == "en" || ck.Value == "zh-CN") {
		return ck.Value
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		// The first language the browser names decides; any Chinese reads zh-CN.
		tags, _, err := language.ParseAcceptLanguage(al)
		for _, tag := range tags {
			if err != nil {
				break
			}
			switch base, _ := tag.Base(); base.String() {
			case "zh":
				return "zh-CN"
			case "en":
				return "en"
			}
		}
	}
	return "zh-CN"
}
