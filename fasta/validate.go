package fasta

// Character classes of sequence bytes.
const (
	invalid byte = iota
	upper
	lower
	stop    // '*'
	removed // '-', '.', digits, blanks: water drops them silently
)

var (
	class [256]byte
	isNuc [256]bool
)

func init() {
	for _, c := range []byte("ACGTUNacgtun") {
		isNuc[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		class[c] = upper
		class[c+'a'-'A'] = lower
	}
	class['*'] = stop
	for _, c := range []byte("-.0123456789 \t\r\v\f") {
		class[c] = removed
	}
}

// cleanResult reports what clean found besides the fields it sets on the record.
type cleanResult struct {
	count        int  // invalid characters
	char         byte // first invalid character
	pos          int  // its 1-based position in Raw
	firstStopRaw int  // 1-based position in Raw of the first internal '*'
	letters      int  // letters in Seq
	nucleotides  int  // letters in Seq that are A, C, G, T, U or N, either case
}

// clean fills rec.Seq and the flags from rec.Raw.
func clean(rec *Record) cleanResult {
	var res cleanResult
	s := make([]byte, 0, len(rec.Raw))
	var stopsRaw []int
	for i, c := range rec.Raw {
		if isNuc[c] {
			res.nucleotides++
		}
		switch class[c] {
		case upper:
			s = append(s, c)
			res.letters++
		case lower:
			s = append(s, c)
			res.letters++
			rec.Lowercase = true
		case stop:
			s = append(s, c)
			rec.InternalStops = append(rec.InternalStops, len(s))
			stopsRaw = append(stopsRaw, i+1)
		case removed:
			rec.Removed++
		default:
			if res.count == 0 {
				res.char, res.pos = c, i+1
			}
			res.count++
		}
	}
	if n := len(s); n > 0 && s[n-1] == '*' {
		s = s[:n-1]
		rec.TerminalStopStripped = true
		rec.InternalStops = rec.InternalStops[:len(rec.InternalStops)-1]
	}
	if len(rec.InternalStops) == 0 {
		rec.InternalStops = nil
	} else {
		res.firstStopRaw = stopsRaw[0]
	}
	rec.Seq = s
	return res
}

// looksNucleotide: at least 30 letters, of which at least 90% are A, C, G,
// T, U or N in either case. Short peptides such as GDSAV stay protein.
func (c cleanResult) looksNucleotide() bool {
	return c.letters >= 30 && c.nucleotides*10 >= c.letters*9
}
