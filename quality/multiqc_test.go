package quality_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/quality"
)

// customContent is a MultiQC custom content file parsed strictly by the
// documented format: for TSV, "# key: value" header lines (values here
// are JSON, which is YAML), then a header row and rows of equal width
// whose first cell, the sample (row) name, is unique; for JSON, an object
// with id, section_name or plot_type, pconfig and data.
type customContent struct {
	config map[string]any
	header []string
	rows   map[string][]string
	data   map[string]any
}

var documentedKeys = map[string]bool{"id": true, "section_name": true, "description": true, "plot_type": true, "pconfig": true, "headers": true, "categories": true}
var plotTypes = map[string]bool{"generalstats": true, "table": true, "bargraph": true, "linegraph": true, "boxplot": true, "scatter": true, "heatmap": true, "violin": true}

func parseCustomContent(path string) (*customContent, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cc := &customContent{config: map[string]any{}, rows: map[string][]string{}}
	switch {
	case strings.HasSuffix(path, "_mqc.json"):
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		for k, v := range doc {
			if k == "data" {
				d, ok := v.(map[string]any)
				if !ok || len(d) == 0 {
					return nil, fmt.Errorf("%s: data is not a non-empty object of samples", path)
				}
				cc.data = d
				continue
			}
			if !documentedKeys[k] {
				return nil, fmt.Errorf("%s: undocumented key %q", path, k)
			}
			cc.config[k] = v
		}
	case strings.HasSuffix(path, "_mqc.tsv"):
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		inHeader := true
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if strings.HasPrefix(line, "#") {
				if !inHeader {
					return nil, fmt.Errorf("%s:%d: comment after the data", path, n)
				}
				k, v, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": ")
				if !ok || !documentedKeys[k] {
					return nil, fmt.Errorf("%s:%d: not a documented header key: %q", path, n, line)
				}
				var val any
				if err := json.Unmarshal([]byte(v), &val); err != nil {
					return nil, fmt.Errorf("%s:%d: %s: %v", path, n, k, err)
				}
				cc.config[k] = val
				continue
			}
			inHeader = false
			cells := strings.Split(line, "\t")
			if cc.header == nil {
				cc.header = cells
				continue
			}
			if len(cells) != len(cc.header) {
				return nil, fmt.Errorf("%s:%d: %d cells, header has %d", path, n, len(cells), len(cc.header))
			}
			if _, dup := cc.rows[cells[0]]; dup || cells[0] == "" {
				return nil, fmt.Errorf("%s:%d: sample name %q empty or repeated", path, n, cells[0])
			}
			cc.rows[cells[0]] = cells
		}
		if cc.header == nil || len(cc.rows) == 0 {
			return nil, fmt.Errorf("%s: no data rows", path)
		}
	default:
		return nil, fmt.Errorf("%s: not a *_mqc.tsv or *_mqc.json file", path)
	}
	if _, ok := cc.config["id"].(string); !ok {
		return nil, fmt.Errorf("%s: no id", path)
	}
	pt, _ := cc.config["plot_type"].(string)
	if !plotTypes[pt] {
		return nil, fmt.Errorf("%s: plot_type %q is not one MultiQC documents", path, pt)
	}
	if pt != "generalstats" {
		if _, ok := cc.config["section_name"].(string); !ok {
			return nil, fmt.Errorf("%s: no section_name", path)
		}
	}
	return cc, nil
}

func writeMultiQC(t *testing.T) (string, *quality.Report) {
	t.Helper()
	cohort(t)
	rep := analyze(t, append(append([]string{}, clean...), planted...)...)
	dir := filepath.Join(t.TempDir(), "mqc")
	files, err := quality.WriteMultiQC(dir, rep)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 {
		t.Fatalf("files: %v", files)
	}
	return dir, rep
}

func TestMultiQCFilesParse(t *testing.T) {
	dir, rep := writeMultiQC(t)
	gs, err := parseCustomContent(filepath.Join(dir, quality.MultiQCGeneralStats))
	if err != nil {
		t.Fatal(err)
	}
	if len(gs.rows) != len(rep.Accessions) {
		t.Errorf("general stats: %d rows for %d accessions", len(gs.rows), len(rep.Accessions))
	}
	for _, a := range rep.Accessions {
		row := gs.rows[a.Accession]
		for i, col := range gs.header[1:] {
			if _, err := strconv.ParseFloat(row[i+1], 64); err != nil {
				t.Errorf("general stats %s %s: %q is not a number", a.Accession, col, row[i+1])
			}
		}
		if row[len(row)-1] != strconv.Itoa(a.Outliers) {
			t.Errorf("%s: outliers %s, want %d", a.Accession, row[len(row)-1], a.Outliers)
		}
	}
	st, err := parseCustomContent(filepath.Join(dir, quality.MultiQCStatus))
	if err != nil {
		t.Fatal(err)
	}
	acc01 := st.data["acc01"].(map[string]any)
	if acc01["wildtype"].(float64)+acc01["mutant"].(float64) != 4 {
		t.Errorf("status of acc01: %v", acc01)
	}
	calls, err := parseCustomContent(filepath.Join(dir, quality.MultiQCCalls))
	if err != nil {
		t.Fatal(err)
	}
	if row := calls.rows["acc01 gyrA_D87N"]; row == nil || row[3] != "D87N" || row[4] != "p.Asp87Asn" {
		t.Errorf("calls table has no acc01 D87N row: %v", calls.rows)
	}
	for name := range calls.rows {
		if strings.HasPrefix(name, "acc11_homolog70 ") {
			t.Errorf("the homolog's differences are listed as calls: %s", name)
		}
	}
}

func TestMultiQCRuns(t *testing.T) {
	mqc, err := exec.LookPath("multiqc")
	if err != nil {
		t.Skip("multiqc is not installed (Debian package multiqc)")
	}
	dir, _ := writeMultiQC(t)
	out := filepath.Join(t.TempDir(), "report")
	cmd := exec.Command(mqc, "--no-ansi", "-f", "-o", out, dir)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // no user config
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("multiqc: %v\n%s", err, b)
	}
	data := filepath.Join(out, "multiqc_data")
	var doc struct {
		General []map[string]map[string]any `json:"report_general_stats_data"`
		Plots   map[string]any              `json:"report_plot_data"`
	}
	b, err := os.ReadFile(filepath.Join(data, "multiqc_data.json"))
	if err != nil {
		t.Fatal(err)
	}
	// MultiQC (Python) writes NaN for missing values, which JSON lacks.
	if err := json.Unmarshal(bytes.ReplaceAll(b, []byte("NaN"), []byte("null")), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, section := range doc.General {
		if s, ok := section["acc12_copies"]; ok {
			found = true
			if col(s, "outliers") != float64(2) || col(s, "records") != float64(5) {
				t.Errorf("general stats of acc12_copies: %v", s)
			}
		}
	}
	if !found {
		t.Errorf("multiqc's general stats have no acc12_copies: %s", b[:min(len(b), 2000)])
	}
	if _, ok := doc.Plots["wtalign_status_plot"]; !ok {
		t.Errorf("multiqc has no wtalign_status_plot; plots: %v", keys(doc.Plots))
	}
	for _, f := range []string{"multiqc_wtalign_status_plot.txt", "multiqc_wtalign_calls_table.txt"} {
		b, err := os.ReadFile(filepath.Join(data, f))
		if err != nil {
			t.Errorf("multiqc_data has no %s: %v", f, err)
			continue
		}
		if !bytes.Contains(b, []byte("acc01")) {
			t.Errorf("%s has no acc01:\n%s", f, b)
		}
	}
	html, _ := os.ReadFile(filepath.Join(out, "multiqc_report.html"))
	for _, s := range []string{"wtalign: records by status", "wtalign: resistance calls"} {
		if !bytes.Contains(html, []byte(s)) {
			t.Errorf("the MultiQC report has no section %q", s)
		}
	}
}

// col finds a general-stats column by its id (MultiQC may prefix it
// with a namespace).
func col(s map[string]any, id string) any {
	for k, v := range s {
		if k == id || strings.HasSuffix(k, "-"+id) {
			return v
		}
	}
	return nil
}

func keys(m map[string]any) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	return k
}
