package core

import "math"

// AddInt64 returns a+b and whether it fits an int64. It is the one overflow check for sums of
// amounts in their integer units (rials or micrograms) that no typed method covers, such as
// a journal's postings per asset or a store's running balance.
func AddInt64(a, b int64) (int64, bool) {
	if b > 0 && a > math.MaxInt64-b || b < 0 && a < math.MinInt64-b {
		return 0, false
	}
	return a + b, true
}

// subInt64 returns a-b and whether it fits an int64.
func subInt64(a, b int64) (int64, bool) {
	if b < 0 && a > math.MaxInt64+b || b > 0 && a < math.MinInt64+b {
		return 0, false
	}
	return a - b, true
}
