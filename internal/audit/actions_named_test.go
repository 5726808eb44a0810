package audit

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every action the code records under a fixed name has a name in both
// languages, so readers of the log do not meet bare codes.
func TestEveryRecordedActionHasAName(t *testing.T) {
	fixed := regexp.MustCompile(`(?:Action: +|record\(ctx, tx, now, |adminUpdate\(ctx, id, (?:true|false), |auditExport\(c, )"([a-z_]+\.[a-z_.]+)"(?: *[,}])`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range fixed.FindAllStringSubmatch(string(b), -1) {
			if _, ok := ActionMessages["audit.action."+m[1]]; !ok {
				t.Errorf("%s records %q, which has no name in ActionMessages", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
