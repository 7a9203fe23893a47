package variant

import (
	"github.com/wtalign/wtalign/aligner"
	"strconv"
	"strings"
)

// threeLetter maps upper-case one-letter codes to HGVS three-letter codes
// ("" for bytes that are no code). B, Z, J and X are IUPAC ambiguity codes;
// U and O are the 21st and 22nd amino acids. An array, not a map: it is
// read for every alignment column.
var threeLetter = [256]string{
	'A': "Ala", 'R': "Arg", 'N': "Asn", 'D': "Asp", 'C': "Cys",
	'Q': "Gln", 'E': "Glu", 'G': "Gly", 'H': "His", 'I': "Ile",
	'L': "Leu", 'K': "Lys", 'M': "Met", 'F': "Phe", 'P': "Pro",
	'S': "Ser", 'T': "Thr", 'W': "Trp", 'Y': "Tyr", 'V': "Val",
	'U': "Sec", 'O': "Pyl", 'B': "Asx", 'Z': "Glx", 'J': "Xle",
	'X': "Xaa", '*': "Ter",
}

// isAmbiguous reports whether the upper-case letter u does not name one
// definite residue or a stop.
func isAmbiguous(u byte) bool {
	switch u {
	case '*':
		return false
	case 'B', 'Z', 'J', 'X':
		return true
	}
	return threeLetter[u] == ""
}

func upperString(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(aligner.Upper(c))
	}
	return sb.String()
}

// oneLetter is the short-form letter of an upper-case residue; letters
// that are not amino-acid codes at all are written X.
func oneLetter(u byte) string {
	if threeLetter[u] != "" {
		return string(u)
	}
	return "X"
}

func three(u byte) string {
	if t := threeLetter[u]; t != "" {
		return t
	}
	return "Xaa"
}

func oneLetters(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		sb.WriteString(oneLetter(s[i]))
	}
	return sb.String()
}

func threes(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		sb.WriteString(three(s[i]))
	}
	return sb.String()
}

// residue names reference position r (0-based) as K61 or Lys61.
func residue(ref []byte, r int, long bool) string {
	u := aligner.Upper(ref[r])
	if long {
		return three(u) + strconv.Itoa(r+1)
	}
	return oneLetter(u) + strconv.Itoa(r+1)
}

// rangeName names reference [r0,r1) as K61 or K61_S65 (Lys61_Ser65).
func rangeName(ref []byte, r0, r1 int, long bool) string {
	if r1-r0 == 1 {
		return residue(ref, r0, long)
	}
	return residue(ref, r0, long) + "_" + residue(ref, r1-1, long)
}

func delName(ref []byte, r0, r1 int, long bool) string {
	return rangeName(ref, r0, r1, long) + "del"
}

// insName names query [q0,q1) inserted between reference r-1 and r.
func insName(ref, qry []byte, r, q0, q1 int, long bool) string {
	alt := upperString(qry[q0:q1])
	if long {
		alt = threes(alt)
	} else {
		alt = oneLetters(alt)
	}
	return residue(ref, r-1, long) + "_" + residue(ref, r, long) + "ins" + alt
}
