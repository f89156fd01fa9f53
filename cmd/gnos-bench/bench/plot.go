package bench

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Point is one x of a series: the summary of its runs.
type Point struct {
	X float64
	Y Summary
}

// Points returns the series' points found in res, by increasing x.
func (s Series) Points(res Results) []Point {
	re := regexp.MustCompile(s.Match)
	k := s.Scale
	if k == 0 {
		k = 1
	}
	var pts []Point
	for name, m := range res {
		sub := re.FindStringSubmatch(name)
		if sub == nil || len(m[s.Metric]) == 0 {
			continue
		}
		x, ok := xValue(sub[1:])
		if !ok {
			continue
		}
		pts = append(pts, Point{X: x, Y: Summarize(m[s.Metric]).Scale(k)})
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].X < pts[j].X })
	return pts
}

// xValue reads the first non-empty capture: a number, maybe with a K or M
// suffix.
func xValue(groups []string) (float64, bool) {
	for _, g := range groups {
		if g == "" {
			continue
		}
		k := 1.0
		switch {
		case strings.HasSuffix(g, "K"):
			g, k = strings.TrimSuffix(g, "K"), 1e3
		case strings.HasSuffix(g, "M"):
			g, k = strings.TrimSuffix(g, "M"), 1e6
		}
		v, err := strconv.ParseFloat(g, 64)
		return v * k, err == nil
	}
	return 0, false
}

// SVG geometry.
const (
	svgW, svgH                 = 720, 460
	padL, padR, padT, padB     = 70, 20, 40, 130
	plotW, plotH               = svgW - padL - padR, svgH - padT - padB
	tickLen                    = 5
	markerR                    = 3.5
	fontAttrs                  = `font-family="sans-serif" font-size="12"`
	titleAttrs                 = `font-family="sans-serif" font-size="15" font-weight="bold"`
	captionAttrs               = `font-family="sans-serif" font-size="10" fill="#555"`
	legendLineH                = 18
	legendTop                  = svgH - padB + 50
	maxLinearTicks             = 6
	minLogSpan                 = 1.0 // decades, so one point still gets an axis
	noData                     = "no data in this run"
	errBarHalfW                = 4
	yAxisLabelX, xAxisLabelGap = 16, 36
)

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"}

// axis maps values to pixels, linearly or on a log scale.
type axis struct {
	lo, hi float64
	log    bool
}

func newAxis(vals []float64, log bool) axis {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if log && v <= 0 {
			continue
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if math.IsInf(lo, 0) {
		lo, hi = 1, 10
	}
	if log {
		l, h := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
		if h-l < minLogSpan {
			h = l + minLogSpan
		}
		return axis{lo: l, hi: h, log: true}
	}
	step := niceStep((hi - 0) / maxLinearTicks)
	if lo > 0 {
		lo = 0 // cost axes start at zero
	}
	return axis{lo: math.Floor(lo/step) * step, hi: math.Max(math.Ceil(hi/step)*step, step)}
}

func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// frac is v's position on the axis, 0..1.
func (a axis) frac(v float64) float64 {
	if a.log {
		if v <= 0 {
			return 0
		}
		v = math.Log10(v)
	}
	return (v - a.lo) / (a.hi - a.lo)
}

// ticks returns the values where labelled ticks go.
func (a axis) ticks() []float64 {
	var t []float64
	if a.log {
		for e := a.lo; e <= a.hi+1e-9; e++ {
			for _, m := range []float64{1, 2, 5} {
				if v := m * math.Pow(10, e); math.Log10(v) <= a.hi+1e-9 && (m == 1 || a.hi-a.lo <= 3) {
					t = append(t, v)
				}
			}
		}
		return t
	}
	step := niceStep((a.hi - a.lo) / maxLinearTicks)
	for v := a.lo; v <= a.hi+step/1e6; v += step {
		t = append(t, v)
	}
	return t
}

func tickLabel(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6 && math.Mod(v, 1e6) == 0:
		return fmt.Sprintf("%gM", v/1e6)
	case a >= 1e3 && math.Mod(v, 1e3) == 0:
		return fmt.Sprintf("%gk", v/1e3)
	default:
		return fmt.Sprintf("%g", v)
	}
}

// WriteSVG draws the plot: each series as a line through its medians,
// with a min–max bar at every point, and a legend under the axes.
func (p Plot) WriteSVG(w io.Writer, res Results, caption string) error {
	var b strings.Builder
	pts := make([][]Point, len(p.Series))
	var xs, ys []float64
	for i, s := range p.Series {
		pts[i] = s.Points(res)
	}
	for i, s := range p.Series {
		if s.LinearFrom != nil && *s.LinearFrom < i {
			pts[i] = linear(pts[*s.LinearFrom])
		}
		for _, pt := range pts[i] {
			xs = append(xs, pt.X)
			ys = append(ys, pt.Y.Min, pt.Y.Max)
		}
	}
	ax, ay := newAxis(xs, p.LogX), newAxis(ys, p.LogY)
	px := func(v float64) float64 { return padL + ax.frac(v)*plotW }
	py := func(v float64) float64 { return padT + (1-ay.frac(v))*plotH }

	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n", svgW, svgH, svgW, svgH)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="24" %s>%s</text>`+"\n", padL, titleAttrs, xmlEsc(p.Title))
	// grid and ticks
	for _, t := range ay.ticks() {
		y := py(t)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", padL, y, padL+plotW, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" %s text-anchor="end">%s</text>`+"\n", padL-tickLen-3, y+4, fontAttrs, tickLabel(t))
	}
	for _, t := range ax.ticks() {
		x := px(t)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", x, padT, x, padT+plotH)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" %s text-anchor="middle">%s</text>`+"\n", x, padT+plotH+tickLen+14, fontAttrs, tickLabel(t))
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>`+"\n", padL, padT, plotW, plotH)
	fmt.Fprintf(&b, `<text x="%d" y="%d" %s text-anchor="middle">%s</text>`+"\n", padL+plotW/2, padT+plotH+xAxisLabelGap, fontAttrs, xmlEsc(p.XLabel))
	fmt.Fprintf(&b, `<text transform="translate(%d %d) rotate(-90)" %s text-anchor="middle">%s</text>`+"\n", yAxisLabelX, padT+plotH/2, fontAttrs, xmlEsc(p.YLabel))
	if len(xs) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" %s text-anchor="middle">%s</text>`+"\n", padL+plotW/2, padT+plotH/2, fontAttrs, noData)
	}
	// series
	for i, s := range p.Series {
		col := palette[i%len(palette)]
		var path []string
		for _, pt := range pts[i] {
			x, y := px(pt.X), py(pt.Y.Median)
			path = append(path, fmt.Sprintf("%.1f,%.1f", x, y))
			if pt.Y.Max > pt.Y.Min {
				y0, y1 := py(pt.Y.Min), py(pt.Y.Max)
				fmt.Fprintf(&b, `<path d="M%.1f %.1fV%.1fM%.1f %.1fh%dM%.1f %.1fh%d" stroke="%s" fill="none"/>`+"\n",
					x, y0, y1, x-errBarHalfW, y0, 2*errBarHalfW, x-errBarHalfW, y1, 2*errBarHalfW, col)
			}
			if s.LinearFrom == nil {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"><title>%s: %s at %s</title></circle>`+"\n",
					x, y, markerR, col, xmlEsc(s.Label), pt.Y.String(), tickLabel(pt.X))
			}
		}
		dash := ""
		if s.LinearFrom != nil {
			dash = ` stroke-dasharray="6 4"`
		}
		if len(path) > 1 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(path, " "), col, dash)
		}
		ly := legendTop + i*legendLineH
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>`+"\n", padL, ly-4, padL+24, ly-4, col, dash)
		fmt.Fprintf(&b, `<text x="%d" y="%d" %s>%s</text>`+"\n", padL+32, ly, fontAttrs, xmlEsc(s.Label))
	}
	if caption != "" {
		fmt.Fprintf(&b, `<text x="%d" y="%d" %s>%s</text>`+"\n", padL, svgH-8, captionAttrs, xmlEsc(caption))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// linear is the proportional line through the origin and the first of
// pts, at the x of every point.
func linear(pts []Point) []Point {
	if len(pts) == 0 || pts[0].X == 0 {
		return nil
	}
	k := pts[0].Y.Median / pts[0].X
	out := make([]Point, len(pts))
	for i, pt := range pts {
		v := k * pt.X
		out[i] = Point{X: pt.X, Y: Summary{Median: v, Min: v, Max: v, N: 1}}
	}
	return out
}

func xmlEsc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
