package relief

import (
	"context"
	"fmt"

	"zhijia/internal/platform"
)

// DemoTree is what the demo seed needs of the demo city.
type DemoTree struct {
	City      int64
	CityPath  string
	Districts []int64
	Unions    []int64 // grassroots unions that join besides those of 100+ workers
	Workers   []int64 // workers who get a sample application
}

// SeedDemo sets up this year's programme in the demo city (idempotent): the
// city's fund of 10,000,000 yuan, 1,000,000 yuan per district, a 低保 of 1,100
// yuan a month, unions of 100+ workers joined, and a sample application per
// worker given, waiting at its grassroots union.
func SeedDemo(ctx context.Context, s *Store, t DemoTree) error {
	if t.City == 0 {
		return nil
	}
	ctx = platform.WithActor(ctx, &platform.Actor{Kind: "system", Name: "demo", OrgID: t.City, OrgPath: t.CityPath})
	year := YearOf(s.now(), platform.Shanghai)
	if _, err := s.SaveProgramme(ctx, ProgrammeInput{Year: year, CapApplication: DefaultCapPerApplication,
		CapHousehold: DefaultCapPerHousehold, Causes: Causes, StopAt: "city", DueDays: 5, NoticeDays: 5}); err != nil {
		return fmt.Errorf("relief: demo programme: %w", err)
	}
	if err := s.SetFund(ctx, year, t.City, 1_000_000_000); err != nil {
		return fmt.Errorf("relief: demo fund: %w", err)
	}
	for _, d := range t.Districts {
		if err := s.SetFund(ctx, year, d, 100_000_000); err != nil {
			return fmt.Errorf("relief: demo fund: %w", err)
		}
		if err := s.SetDibao(ctx, year, d, 110_000); err != nil {
			return fmt.Errorf("relief: demo dibao: %w", err)
		}
	}
	if _, err := s.JoinLarge(ctx, year, 100); err != nil {
		return err
	}
	for _, u := range t.Unions {
		if u == 0 {
			continue
		}
		if err := s.SetJoined(ctx, year, u, true); err != nil {
			return err
		}
	}
	for i, w := range t.Workers {
		in := ApplicationInput{WorkerID: w, Causes: []string{"illness"}, Means: Means{Income: 260_000, Unavoidable: 60_000,
			MedicalCosts: 6_800_000, InsurancePaid: 3_100_000}, Requested: 2_000_000, Consent: true,
			Statement: "配偶突发重病住院，自付医疗费用较高，家庭收入减少。", IdemKey: fmt.Sprintf("demo-%d", i+1)}
		if a, err := loadApplicant(ctx, s.db, w); err == nil {
			in.Payee = Payee{Name: a.Name, Bank: "中国工商银行福州分行营业部", Account: demoAccount(i)}
		}
		if _, err := s.SubmitFor(ctx, in); err != nil {
			return fmt.Errorf("relief: demo application: %w", err)
		}
	}
	return nil
}

// demoAccount is the i-th demo card number: 19 digits of the 622202 range with
// a valid check digit.
func demoAccount(i int) string {
	body := fmt.Sprintf("622202%012d", 100000+i)
	for d := 0; d < 10; d++ {
		if acc := body + string(rune('0'+d)); LuhnOK(acc) {
			return acc
		}
	}
	return body + "0"
}
