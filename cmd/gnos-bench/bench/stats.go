package bench

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Summary is the median, minimum and maximum of a figure's runs.
type Summary struct {
	Median, Min, Max float64
	N                int
}

// Summarize returns the summary of vs (N = 0 when vs is empty). The median
// of an even number of runs is the mean of the two middle ones.
func Summarize(vs []float64) Summary {
	if len(vs) == 0 {
		return Summary{}
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Summary{Median: med, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

// Scale multiplies every field by k (a negative k swaps min and max).
func (s Summary) Scale(k float64) Summary {
	out := Summary{Median: s.Median * k, Min: s.Min * k, Max: s.Max * k, N: s.N}
	if out.Min > out.Max {
		out.Min, out.Max = out.Max, out.Min
	}
	return out
}

// String is "median [min – max]", or the median alone for one run.
func (s Summary) String() string {
	if s.N == 0 {
		return "not measured"
	}
	if s.N == 1 || s.Min == s.Max {
		return Num(s.Median)
	}
	return fmt.Sprintf("%s [%s – %s]", Num(s.Median), Num(s.Min), Num(s.Max))
}

// Num formats a figure with three significant digits (all the digits of
// the integer part above 100), without exponent, with thousands separators.
func Num(v float64) string {
	a := math.Abs(v)
	switch {
	case v == 0:
		return "0"
	case a >= 1000:
		return group(fmt.Sprintf("%.0f", v))
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3g", v), "0"), ".")
	}
}

func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
