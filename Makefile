# wtalign: the two commands a new user needs are `make demo` and `make test`.
GO      ?= go
# The Go toolchain every build, test and release uses: go1.27.3, fetched by
# the go command from the module proxy on first use (about 76 MB). Go
# 1.26.8, the machines' own, has standard-library vulnerabilities that
# govulncheck reports (net/http, crypto/tls, crypto/x509, html/template,
# mime/multipart; fixed in 1.26.9/1.26.10); the code builds with either.
export GOTOOLCHAIN := go1.27.3
BIN     ?= bin/wtalign
# Version, commit and date of this tree (scripts/version.sh: a tag vX.Y.Z
# gives X.Y.Z, an untagged commit 0.1.0-dev+gHASH, uncommitted changes add
# ".dirty"); the date is SOURCE_DATE_EPOCH or the commit's time.
VERSION ?= $(shell scripts/version.sh)
COMMIT  ?= $(shell scripts/version.sh --commit)
SOURCE_DATE_EPOCH ?= $(shell scripts/version.sh --date)
export VERSION COMMIT SOURCE_DATE_EPOCH
BUILD_DATE := $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.buildDate=$(BUILD_DATE)
IMAGE_TAG ?= wtalign:$(subst +,-,$(VERSION))

.PHONY: build demo test check-source test-go test-noasm test-race test-cross test-workflows completions check-completions generate generate-check bench bench-compare fuzz fuzz-smoke clean \
	tools lint cover docs check-docs release test-release image test-container test-bioconda test-slurm test-ship

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/wtalign

# The main job on the shipped example data: real E. coli variants and the
# whole K-12 proteome against the 38 K-12 wild types.
REF      := testdata/demo/ref_ecoli_k12_mg1655.faa
CATALOGS := --catalog testdata/catalogs/pointfinder_db/escherichia_coli --catalog testdata/catalogs/amrfinder_format/AMRProt-mutation.sample.tsv --gene-alias pmrB=basS

demo: build
	@mkdir -p out/cohort
	$(BIN) align -r $(REF) $(CATALOGS) -o out/variants_alignments.json testdata/demo/variants.faa
	$(BIN) align -q -r $(REF) $(CATALOGS) --format tsv -o out/variants_calls.tsv testdata/demo/variants.faa
	$(BIN) align -r $(REF) $(CATALOGS) -o out/GCF_000005845.2_alignments.json testdata/proteomes/GCF_000005845.2_proteins.faa
	$(BIN) summarize -r $(REF) $(CATALOGS) -o out/cohort/mutations.tsv --json-out out/cohort/overview.json \
		--genotype-out out/cohort/genotypes.tsv --matrix-out out/cohort/known_mutations.tsv \
		out/variants_alignments.json out/GCF_000005845.2_alignments.json
	$(BIN) verify -r $(REF) out/*.json
	$(BIN) report -o out/report.html --multiqc out/multiqc out/variants_alignments.json out/GCF_000005845.2_alignments.json
	@echo; echo "== calls on the example variants' catalogued genes: verdict, drugs, PMIDs (out/variants_calls.tsv) =="
	@awk -F'\t' 'NR==1 {for (i=1;i<=NF;i++) c[$$i]=i; print "query_id\tgene\tstatus\tmutation\tverdict\tdrugs\tpmids"; next} \
		$$c["verdict"]!="" && $$c["verdict"]!="novel" {print $$c["query_id"] "\t" $$c["gene"] "\t" $$c["status"] "\t" $$c["mutation"] "\t" $$c["verdict"] "\t" $$c["drugs"] "\t" $$c["pmids"]}' \
		out/variants_calls.tsv | cut -c1-170
	@echo; echo "== every call on the example variants (all rows: out/cohort/mutations.tsv) =="
	@awk -F'\t' '($$1=="variants" && $$3!="") || NR==1' out/cohort/mutations.tsv | cut -f2,3,4,5,8,9 | cut -c1-150
	@echo; echo "== resistance genotype per accession (out/cohort/genotypes.tsv) =="
	@cut -f1,5 out/cohort/genotypes.tsv | column -t -s "$$(printf '\t')"
	@echo; echo "== K-12 proteome scan (out/GCF_000005845.2_alignments.json): hits per status =="
	@awk -F'\t' '$$1=="GCF_000005845.2" && $$3!="" {n[$$4]++} END {for (s in n) print "  " s ": " n[s]}' out/cohort/mutations.tsv | sort
	@echo; echo "quality report: out/report.html (MultiQC files: out/multiqc/)"

# Every test: formatting and go.mod, the quality gates (vet, staticcheck,
# gosec, govulncheck), Go unit, differential, fuzz-seed, CLI and crash
# tests, the whole suite again with -tags noasm (generic kernels) and under
# the race detector, the macOS and Windows builds, a few seconds of every
# fuzz target, the workflow tests, a real single-node SLURM cluster, the
# container image under podman and the Bioconda build script. The
# reproducible-release check (two cold builds, about 10 minutes on 2 cores)
# is `make test-release`, and `make test-ship` runs it with the others.
test:
	bash scripts/test-deps.sh
	$(MAKE) check-source lint test-go test-noasm test-race test-cross fuzz-smoke test-workflows test-slurm test-container test-bioconda

# gofmt has nothing to change and go mod tidy leaves go.mod/go.sum as they are
# (both modules: the tree and the kernel generator).
check-source:
	@files=$$(gofmt -l .); if [ -n "$$files" ]; then echo "gofmt -l: not formatted:"; echo "$$files"; exit 1; fi
	$(GO) mod tidy -diff
	cd aligner/_asm && $(GO) mod tidy -diff

test-go:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

# The whole suite with the pure-Go kernels (short mode: the long kernel
# grids run in test-go); tests/resume builds its binary with the tag too.
test-noasm:
	$(GO) test -count=1 -tags noasm -short ./...

# The concurrent parts again under the race detector (short mode): the
# batch aligner, the pipeline, the output writer and the water runner.
test-race:
	$(GO) test -count=1 -race -short ./aligner/ ./pipeline/ ./output/ ./emboss/

# Every package, tests included, builds and vets for macOS and Windows
# (docs/manifest.md says what of the Windows code runs in tests: none).
test-cross:
	GOOS=darwin $(GO) build ./...
	GOOS=darwin $(GO) vet ./...
	GOOS=darwin GOARCH=arm64 $(GO) vet ./...
	GOOS=windows $(GO) build ./...
	GOOS=windows $(GO) vet ./...

test-workflows:
	bash workflow/test.sh

completions: build
	for sh in bash zsh fish powershell; do $(BIN) completion $$sh > completions/wtalign.$$sh; done

check-completions:
	$(GO) test -count=1 -run TestCompletionsUpToDate ./cmd/wtalign/

# The SIMD kernels are generated (aligner/_asm, its own module); the
# committed kernel_amd64.s must match the generator (checked by test-go too).
generate:
	$(GO) generate ./aligner

generate-check:
	$(GO) test -count=1 -run TestGeneratedKernelsUpToDate ./aligner/

# Benchmarks are never part of `make test`.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./aligner/ ./benchmarks/...

# wtalign against EMBOSS water, parasail, SSW, blastp and DIAMOND, variants and
# the proteome scan, with the scaling table (docs/performance.md);
# N=10000 for the issue's set.
N ?= 1000
bench-compare:
	bash benchmarks/compare.sh -n $(N)

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzNative -fuzztime 60s ./aligner/

# ---- shipping: quality gates, docs, release, image, recipe, SLURM ----

# Pinned staticcheck, gosec, govulncheck, go-licenses, cyclonedx-gomod in .tools/bin.
tools:
	bash scripts/tools.sh

# go mod tidy -diff, gofmt, go vet, staticcheck, gosec, govulncheck (when a
# vulnerability database is at hand); scripts/lint.sh says what each found.
lint:
	bash scripts/lint.sh

# Per-package statement coverage (library packages are expected at >= 85%).
cover:
	bash scripts/cover.sh

# CLI reference (docs/cli, docs/man) from the cobra tree and docs/fields.md
# from docs/record.schema.json; check-docs fails when they are stale.
docs:
	$(GO) test -count=1 -run 'TestDocsUpToDate|TestFieldsDocUpToDate' ./cmd/wtalign/ -args -update

check-docs:
	$(GO) test -count=1 -run 'TestDocsUpToDate|TestFieldsDocUpToDate' ./cmd/wtalign/

# Static, reproducible binaries for linux and darwin (amd64, arm64; windows
# when it builds), SHA256SUMS and CycloneDX SBOMs in dist/.
release:
	bash scripts/tools.sh cyclonedx-gomod
	bash scripts/release.sh

# Builds the release twice (another path, empty build cache) and compares bytes.
test-release:
	bash tests/release/test.sh

# The container image (FROM scratch, static binary) with buildah.
image:
	bash scripts/image.sh $(IMAGE_TAG)

# Builds the image and runs it with podman: version, align through a mount.
test-container:
	bash tests/container/test.sh

# Runs packaging/bioconda/build.sh the way conda-build would and the recipe's tests.
test-bioconda:
	bash tests/bioconda/test.sh

# A real single-node SLURM cluster (munged, slurmctld, slurmd on this host, as
# root): the Snakemake workflow with its SLURM profile, a job killed by SLURM
# retried and resumed.
test-slurm:
	bash tests/slurm/test.sh

# Every shipping test (about 6-10 minutes on 2 cores; test-release is most of it).
test-ship: test-container test-bioconda test-slurm test-release

# Every fuzz target of the tree (found by name, so a new one is never left
# out), FUZZTIME each, one target per go test as -fuzz requires. Inputs
# that fail are kept in the package's testdata/fuzz for the regular tests.
FUZZTIME ?= 5s
fuzz-smoke:
	@set -e; grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | grep -v -e '/_' -e '/testdata/' | sort | \
	while IFS=: read -r file fn; do \
		name=$${fn#func }; dir=$$(dirname "$$file"); \
		echo "== $$name ($$dir)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 1s "$$dir/"; \
	done

clean:
	rm -rf bin out dist
