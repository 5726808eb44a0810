package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"zhijia/internal/org"
	"zhijia/internal/people"
	"zhijia/internal/platform"
	"zhijia/internal/sheet"
)

const importUsage = "用法 usage: zhijia import workers FILE --org ID|AREA-CODE|NAME [--mode all|valid] [--errors OUT.xlsx] [flags]"

// cmdImport runs `import workers`, acting as the system, with a progress bar on
// stderr. refused is true when an all-or-nothing import refused rows (exit 1).
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) (refused bool, err error) {
	if len(args) == 0 || args[0] != "workers" {
		return false, errors.New(importUsage)
	}
	rest, file := args[1:], ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	var orgRef, mode, errorsOut string
	a, fs, err := openApp(ctx, "import workers", rest, io.Discard, func(fs *flag.FlagSet) {
		fs.StringVar(&orgRef, "org", "", "default union for rows without 所属工会: id, name, or a district's area code")
		fs.StringVar(&mode, "mode", "all", "all: all or nothing; valid: import the valid rows")
		fs.StringVar(&errorsOut, "errors", "", "write refused rows with 错误原因 to this .xlsx")
	})
	if err != nil {
		return false, err
	}
	defer a.Close()
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" || (mode != "all" && mode != "valid") {
		return false, errors.New(importUsage)
	}
	ctx = platform.WithActor(ctx, platform.System("cli"))
	opt := people.ImportOptions{Mode: people.AllOrNothing}
	if mode == "valid" {
		opt.Mode = people.ValidRows
	}
	if orgRef != "" {
		o, err := findImportOrg(ctx, a.Orgs, orgRef)
		if err != nil {
			return false, err
		}
		opt.OrgID = o.ID
	}
	res, err := importFile(ctx, people.NewStore(a.DB, a.Clock, a.Keys), file, opt, stderr)
	if err != nil {
		return false, explainImport(err)
	}
	printImport(stdout, res, opt.Mode)
	if errorsOut != "" && len(res.Errors) > 0 {
		if err := writeReport(errorsOut, res); err != nil {
			return false, err
		}
		fmt.Fprintf(stdout, "错误报告 error report: %s\n", errorsOut)
	}
	return opt.Mode == people.AllOrNothing && res.Refused > 0, nil
}

// importFile streams file into the registry with a bar on stderr.
func importFile(ctx context.Context, st *people.Store, file string, opt people.ImportOptions, stderr io.Writer) (*people.ImportResult, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	groups, err := st.Groups(ctx)
	if err != nil {
		return nil, err
	}
	rd, err := sheet.Open(f, info.Size(), file, people.RosterSpec(groups))
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	bar := sheet.NewBar(stderr, "导入 importing")
	opt.Progress = bar
	res, err := st.ImportWorkers(ctx, rd, opt)
	bar.Done()
	if err != nil {
		return nil, err
	}
	return res, fillRaw(file, info.Size(), res, people.RosterSpec(groups))
}

// fillRaw reads the file again for the cells of refused rows the import could
// not keep (the first of a duplicate pair found after it was written).
func fillRaw(file string, size int64, res *people.ImportResult, spec sheet.Spec) error {
	if !slices.ContainsFunc(res.Errors, func(e sheet.RowError) bool { return e.Raw == nil }) {
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rd, err := sheet.Open(f, size, file, spec)
	if err != nil {
		return err
	}
	defer rd.Close()
	return sheet.FillRaw(rd, res.Errors)
}

func printImport(w io.Writer, res *people.ImportResult, mode people.ImportMode) {
	if mode == people.AllOrNothing && res.Refused > 0 {
		fmt.Fprintf(w, "未导入 nothing imported: %d 行有误 rows refused (全部正确才导入 all or nothing)\n", res.Refused)
	} else {
		fmt.Fprintf(w, "已导入 imported: %d 人 workers, 拒绝 refused: %d 行 rows\n", res.Imported, res.Refused)
	}
	for i, e := range res.Errors {
		if i == 20 {
			fmt.Fprintf(w, "  … 另有 %d 行 and %d more\n", len(res.Errors)-20, len(res.Errors)-20)
			break
		}
		fmt.Fprintf(w, "  第 %d 行 row %d: %s\n", e.Line, e.Line, strings.Join(e.Reasons, "；"))
	}
}

func writeReport(path string, res *people.ImportResult) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := sheet.WriteErrorReport(out, res.Headers, res.Errors); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// findImportOrg finds the default union by id, exact name, or area code.
func findImportOrg(ctx context.Context, s *org.Store, ref string) (*org.Org, error) {
	orgs, _, err := s.Find(ctx, org.Filter{Q: ref, Limit: 1000})
	if err != nil {
		return nil, err
	}
	for i := range orgs {
		if orgs[i].Name == ref {
			return &orgs[i], nil
		}
	}
	return findOrg(ctx, s, ref)
}

// explainImport renders a whole-file error (sheet or people keys) in Chinese.
func explainImport(err error) error {
	e, ok := platform.AsError(err)
	if !ok {
		return err
	}
	msg := people.MessageZH(e.Message, e.Args...)
	if m, ok := sheet.Messages[e.Message]; ok {
		msg = m[0]
		if len(e.Args) > 0 {
			msg = fmt.Sprintf(m[0], e.Args...)
		}
	}
	for f, key := range e.Fields {
		msg += fmt.Sprintf("\n  %s: %s", f, people.MessageZH(key))
	}
	return errors.New(msg)
}
