package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The reading recipes of docs/export.md, run as written: each block marked
// "# recipe: NAME" gets an epilogue that prints, tab-separated, a types line
// and then per row: id, published_at and closed_at in UTC, salary_from,
// region. The Go side compares that with the CSV export.

var recipeBlock = regexp.MustCompile("(?s)```(python|r)\n# recipe: ([a-z-]+)\n(.*?)```")

// Epilogues, and the types each recipe must give (id as text, timestamps
// as instants).
var recipes = map[string]struct {
	epilogue string
	types    string
}{
	"pandas-csv": {`
def _t(x):
    return "" if pd.isna(x) else x.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
print("types", v["id"].dtype, v["published_at"].dtype, v["salary_from"].dtype, v["salary_gross"].dtype, sep="\t")
for r in v.itertuples(index=False):
    print(r.id, _t(r.published_at), _t(r.closed_at), "" if pd.isna(r.salary_from) else int(r.salary_from),
          "" if pd.isna(r.region) else r.region, sep="\t")
`, "types\tobject\tdatetime64[ns, Europe/Moscow]\tInt64\tboolean"},
	"python-sqlite": {`
def _t(x):
    return "" if pd.isna(x) else x.strftime("%Y-%m-%dT%H:%M:%SZ")
print("types", vv["id"].dtype, vv["published_at"].dtype, sep="\t")
for r in vv.itertuples(index=False):
    print(r.id, _t(r.published_at), _t(r.closed_at), "" if pd.isna(r.salary_from) else int(r.salary_from),
          "" if r.region_name is None else r.region_name, sep="\t")
`, "types\tobject\tdatetime64[ns, UTC]"},
	"r-readr": {`
.t <- function(x) ifelse(is.na(x), "", format(x, "%Y-%m-%dT%H:%M:%SZ", tz = "UTC"))
.n <- function(x) ifelse(is.na(x), "", format(x, scientific = FALSE, trim = TRUE))
.s <- function(x) ifelse(is.na(x), "", x)
cat("types", class(v$id)[1], class(v$published_at)[1], class(v$salary_from)[1], class(v$salary_gross)[1], sep = "\t")
cat("\n")
writeLines(paste(v$id, .t(v$published_at), .t(v$closed_at), .n(v$salary_from), .s(v$region), sep = "\t"))
`, "types\tcharacter\tPOSIXct\tnumeric\tlogical"},
	"r-sqlite": {`
.t <- function(x) ifelse(is.na(x), "", format(x, "%Y-%m-%dT%H:%M:%SZ", tz = "UTC"))
.n <- function(x) ifelse(is.na(x), "", format(x, scientific = FALSE, trim = TRUE))
.s <- function(x) ifelse(is.na(x), "", x)
cat("types", class(vv$id)[1], class(vv$published_at)[1], sep = "\t")
cat("\n")
writeLines(paste(vv$id, .t(vv$published_at), .t(vv$closed_at), .n(vv$salary_from), .s(vv$region_name), sep = "\t"))
`, "types\tcharacter\tPOSIXct"},
}

func testRecipes(t *testing.T, d *openData) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "export.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, src := range map[string]string{"vacancies.csv": d.csv, "vacancies.parquet": d.parquet, "hhjobs.db": d.db} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	exported := readCSVTable(t, d.csv)
	found := map[string]bool{}
	for _, m := range recipeBlock.FindAllSubmatch(doc, -1) {
		lang, name, code := string(m[1]), string(m[2]), string(m[3])
		r, ok := recipes[name]
		if !ok {
			t.Errorf("docs/export.md: recipe %q has no check here", name)
			continue
		}
		found[name] = true
		t.Run(name, func(t *testing.T) {
			var cmd *exec.Cmd
			switch lang {
			case "python":
				if err := exec.Command(debPython, "-c", "import pandas").Run(); err != nil {
					t.Skipf("%s with pandas is absent (Debian package python3-pandas): recipe %s not run", debPython, name)
				}
				cmd = exec.Command(debPython, "-c", code+r.epilogue)
			case "r":
				if err := exec.Command("/usr/bin/Rscript", "-e", "library(readr); library(DBI); library(RSQLite)").Run(); err != nil {
					t.Skipf("/usr/bin/Rscript with readr, DBI and RSQLite is absent (Debian packages r-cran-readr, r-cran-rsqlite): recipe %s not run", name)
				}
				cmd = exec.Command("/usr/bin/Rscript", "-e", code+r.epilogue)
			}
			cmd.Dir = dir
			var errOut bytes.Buffer
			cmd.Stderr = &errOut
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("recipe %s: %v\n%s", name, err, errOut.String())
			}
			lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
			if lines[0] != r.types {
				t.Errorf("recipe %s gives the types %q, want %q", name, lines[0], r.types)
			}
			checkRecipeRows(t, name, exported, lines[1:])
		})
	}
	for name := range recipes {
		if !found[name] {
			t.Errorf("recipe %s is not in docs/export.md", name)
		}
	}
}

// checkRecipeRows compares a recipe's rows with the CSV export.
func checkRecipeRows(t *testing.T, name string, exported *table, lines []string) {
	t.Helper()
	utc := func(p *string) string {
		if p == nil {
			return ""
		}
		ts, err := time.Parse(time.RFC3339, *p)
		if err != nil {
			t.Fatalf("export timestamp %q: %v", *p, err)
		}
		return ts.UTC().Format("2006-01-02T15:04:05Z")
	}
	val := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	if len(lines) != len(exported.ids) {
		t.Fatalf("recipe %s read %d rows, the export has %d", name, len(lines), len(exported.ids))
	}
	bad := 0
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 5 {
			t.Fatalf("recipe %s: line %q", name, l)
		}
		e, ok := exported.rows[f[0]]
		want := []string{f[0], utc(e["published_at"]), utc(e["closed_at"]), val(e["salary_from"]), val(e["region"])}
		if !ok || strings.Join(f, "\t") != strings.Join(want, "\t") {
			if bad++; bad <= 5 {
				t.Errorf("recipe %s reads %q, the export says %q", name, f, want)
			}
		}
	}
}
