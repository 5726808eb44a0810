# zhijia — make targets. `make test` is the one command that proves a checkout works.
GO        ?= go
PKGS      := ./...
TESTFLAGS ?= -count=1 -timeout 40m
export GOFLAGS := -buildvcs=false

.PHONY: run test test-short bench lint fuzz deps build clean

build:
	$(GO) build -o zhijia ./cmd/zhijia

run:
	$(GO) run ./cmd/zhijia serve --demo

# Installs Chromium and CJK fonts for the browser tests when missing (and possible),
# then vets and runs every test.
test: deps
	$(GO) vet $(PKGS)
	$(GO) test $(TESTFLAGS) $(PKGS)

test-short:
	$(GO) test -count=1 -short $(PKGS)

deps:
	@bash scripts/install-test-deps.sh

# Figures named by the issues, printed as ratios against a baseline measured in the same run.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2000x ./internal/org/
	$(GO) run ./cmd/zhijia bench
	ZHIJIA_IMPORT_BENCH_ROWS=$${ZHIJIA_IMPORT_BENCH_ROWS:-1000000} $(GO) test -run '^$$' -bench '^BenchmarkImport$$' -benchtime 1x -timeout 30m ./internal/people/
	$(GO) test -run '^$$' -bench 'SubtreeCounts|ExportWorkers' -benchtime 1x -timeout 30m ./internal/people/
	$(GO) test -run '^$$' -bench 'ReadXLSX$$|WriteXLSX' -benchtime 1x ./internal/sheet/
	$(GO) test -run '^$$' -bench DailyQuiz -benchtime 1x ./internal/learning/
	$(GO) test -run '^$$' -bench Leaderboards1M -benchtime 1x -timeout 20m ./internal/points/
	$(GO) test -run '^$$' -bench . -benchtime 200x ./internal/relief/
	$(GO) test -run '^$$' -bench Dashboard -benchtime 5x -timeout 60m ./internal/dashboard/
	$(GO) test -run '^$$' -bench 'Circle100k' -benchtime 20000x ./internal/care/
	$(GO) test -run '^$$' -bench 'CoverageIndex10k|DrawOrder100k|CoverageCity' -benchtime 10x ./internal/care/
	$(GO) test -run '^$$' -bench 'DrawStore100k' -benchtime 1x -timeout 30m ./internal/care/

lint:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l cmd internal)" || (echo "gofmt needed:"; gofmt -l cmd internal; exit 1)

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzValidateCreditCode -fuzztime 30s ./internal/org/
	$(GO) test -run '^$$' -fuzz FuzzNormaliseMobile -fuzztime 30s ./internal/auth/
	$(GO) test -run '^$$' -fuzz FuzzParsePoint -fuzztime 30s ./internal/care/
	$(GO) test -run '^$$' -fuzz FuzzClean -fuzztime 30s ./internal/photo/
	$(GO) test -run '^$$' -fuzz FuzzParseIDNumber -fuzztime 30s ./internal/people/
	$(GO) test -run '^$$' -fuzz FuzzHeaderMatch -fuzztime 30s ./internal/sheet/
	$(GO) test -run '^$$' -fuzz FuzzParseDate -fuzztime 30s ./internal/sheet/
	$(GO) test -run '^$$' -fuzz FuzzScanner -fuzztime 30s ./internal/sheet/

clean:
	rm -f zhijia
