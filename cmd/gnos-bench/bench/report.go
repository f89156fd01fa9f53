package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Row is a figure evaluated on a run's results.
type Row struct {
	Figure
	Value    Summary // in the figure's unit
	RefValue Summary // in the figure's unit; N = 0 without reference
	Ratio    Summary // figure ÷ reference, run by run when both have as many runs
	Status   string  // "pass", "MISS", "" (no target or not measured)
}

// Evaluate turns figures into rows. A figure whose Bench ends in "*"
// becomes a row per matching benchmark (or one "not measured" row).
func Evaluate(figs []Figure, res Results) []Row {
	var rows []Row
	for _, f := range figs {
		prefix, wild := strings.CutSuffix(f.Bench, "*")
		if !wild {
			rows = append(rows, evaluate(f, res))
			continue
		}
		var names []string
		for name, m := range res {
			if strings.HasPrefix(name, prefix) && m[f.Metric] != nil {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		if len(names) == 0 {
			g := f
			g.Bench = prefix
			rows = append(rows, evaluate(g, res))
		}
		for _, name := range names {
			g := f
			g.Bench = name
			if rest := strings.TrimPrefix(name, prefix); rest != "" {
				g.Name += " (" + strings.TrimPrefix(rest, "/") + ")"
			}
			if f.Ref != nil {
				r := *f.Ref
				if p, ok := strings.CutSuffix(r.Bench, "*"); ok {
					r.Bench = p + strings.TrimPrefix(name, prefix)
				}
				g.Ref = &r
			}
			rows = append(rows, evaluate(g, res))
		}
	}
	return rows
}

func evaluate(f Figure, res Results) Row {
	k := f.Scale
	if k == 0 {
		k = 1
	}
	vs := res.Values(f.Bench, f.Metric)
	row := Row{Figure: f, Value: Summarize(vs).Scale(k)}
	if f.Ref != nil {
		rs := res.Values(f.Ref.Bench, f.Ref.Metric)
		row.RefValue = Summarize(rs).Scale(k)
		switch {
		case len(vs) > 0 && len(vs) == len(rs):
			ratios := make([]float64, 0, len(vs))
			for i := range vs {
				if rs[i] != 0 {
					ratios = append(ratios, vs[i]/rs[i])
				}
			}
			row.Ratio = Summarize(ratios)
		case len(vs) > 0 && len(rs) > 0 && row.RefValue.Median != 0:
			row.Ratio = Summary{N: 1, Median: row.Value.Median / row.RefValue.Median}
			row.Ratio.Min, row.Ratio.Max = row.Ratio.Median, row.Ratio.Median
		}
	}
	if t := f.Target; t != nil {
		v := row.Value
		if t.OnRatio {
			v = row.Ratio
		}
		if v.N > 0 {
			row.Status = "MISS"
			if t.Met(v.Median) {
				row.Status = "pass"
			}
		}
	}
	return row
}

// Table writes the rows as Markdown tables, one per group, in the order
// the groups first appear.
func Table(w io.Writer, rows []Row) {
	var groups []string
	by := map[string][]Row{}
	for _, r := range rows {
		if by[r.Group] == nil {
			groups = append(groups, r.Group)
		}
		by[r.Group] = append(by[r.Group], r)
	}
	for _, g := range groups {
		fmt.Fprintf(w, "\n#### %s\n\n", g)
		fmt.Fprintln(w, "| figure | measured: median [min – max] | target | result | reference, same run | ratio |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|")
		for _, r := range by[g] {
			measured := r.Value.String()
			if r.Value.N > 0 && r.Unit != "" {
				measured += " " + r.Unit
			}
			name := r.Name
			if r.Note != "" {
				name += " — " + r.Note
			}
			target := ""
			if r.Target != nil {
				target = r.Target.Text
			}
			status := map[string]string{"pass": "pass", "MISS": "**miss**"}[r.Status]
			ref, ratio := "", ""
			if r.Ref != nil {
				ref = r.Ref.Label + ": " + r.RefValue.String()
				if r.RefValue.N > 0 && r.Unit != "" {
					ref += " " + r.Unit
				}
				if r.Ratio.N > 0 {
					ratio = r.Ratio.String() + "×"
				}
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", esc(name), esc(measured), esc(target), status, esc(ref), esc(ratio))
		}
	}
}

// Text writes the rows as a plain-text table for the terminal.
func Text(w io.Writer, rows []Row) {
	group := ""
	for _, r := range rows {
		if r.Group != group {
			group = r.Group
			fmt.Fprintf(w, "\n== %s\n", group)
		}
		target := ""
		if r.Target != nil {
			target = r.Target.Text
		}
		measured := r.Value.String()
		if r.Value.N > 0 {
			measured = strings.TrimSpace(measured + " " + r.Unit)
		}
		line := fmt.Sprintf("  %-70.70s %-30s %-4s %s", r.Name, measured, r.Status, target)
		if r.Ref != nil && r.Ratio.N > 0 {
			line += fmt.Sprintf("  | %s %s %s, ratio %s×", r.Ref.Label, r.RefValue.String(), r.Unit, r.Ratio.String())
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

func esc(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
