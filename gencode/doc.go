// Package gencode holds NCBI genetic codes and translates nucleotide coding
// sequences to protein with them.
//
// It knows the codes bacterial AMR work needs: 11 (bacteria, archaea and
// plastids, the default), 1 (standard) and 4 (Mycoplasma/Spiroplasma, where
// TGA is Trp). Codon tables and start codons are NCBI's, in NCBI's
// TCAG order (https://www.ncbi.nlm.nih.gov/Taxonomy/Utils/wprintgc.cgi).
//
// Translate reads a frame as it is; TranslateCDS checks that a sequence is a
// coding sequence (whole codons, no internal stop, an optional final stop),
// reads a start codon of the code as Met, and returns a *CDSError saying
// what is wrong and where.
//
// The package is floor 1: it imports nothing of wtalign, never logs, never
// exits and never panics on bad input.
package gencode
