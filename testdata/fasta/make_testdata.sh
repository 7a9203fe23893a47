#!/bin/sh
# Regenerates the crafted FASTA test files in this directory (see PROVENANCE.md).
# Run from this directory: sh make_testdata.sh
set -eu

printf 'hello world\nthis is not a FASTA file\n' > not_fasta.txt
cat > genbank.gb <<'GB'
LOCUS       NC_000913               4641652 bp    DNA     circular CON 09-MAR-2022
DEFINITION  Escherichia coli str. K-12 substr. MG1655, complete genome.
ACCESSION   NC_000913
FEATURES             Location/Qualifiers
     CDS             190..255
                     /gene="thrL"
                     /translation="MKRISTTITTTITITTGNGAG"
ORIGIN
        1 agcttttcat tctgactgca acgggcaata tgtctctgtg tggattaaaa aaagagtgtc
//
GB
printf '@read1\nACGTACGT\n+\nIIIIIIII\n' > fastq.fq
printf 'MSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPDVRDGLKPVHRRVLYAMNVLGNDWN\n' > headerless.txt
printf '\000\001\002\003binary\377\376' > binary.bin
: > empty.faa
printf '  \n\n\t\r\n \n' > whitespace_only.faa
printf '\n\n>first leading blank lines\nMKV\n' > leading_blank.faa

cat > valid.faa <<'FA'
>ecoli|gyrA|NP_416734.1 DNA gyrase subunit A [gene=gyrA]
MSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPDVRDGLKPVHRRVLYAMNVLGNDWN
KAYKKSARVVGDVIGKYHPHGDSAVYDTIVRMAQPFSLRYMLVDGQGNFGSIDGDSAAAM
>ecoli|mgrB|NP_416574.1
MKKFRWVVLVVVVLACLLLWAQVFNMMCDQDVQFFSGICAINQFIPW
FA
gzip -n -9 -c valid.faa > valid.faa.gz
: | gzip -n -c > empty.faa.gz
# A gzip stream of the derived edge cases cut at half its length.
gzip -n -9 -c derived_edge_cases.faa > derived_edge_cases.faa.gz
size=$(wc -c < derived_edge_cases.faa.gz)
head -c $((size / 2)) derived_edge_cases.faa.gz > truncated.faa.gz
# The whole stream with one byte of the deflate data changed at 3/4 of it.
pos=$((size * 3 / 4))
{ head -c "$pos" derived_edge_cases.faa.gz; printf '\125'; tail -c +$((pos + 2)) derived_edge_cases.faa.gz; } > corrupt.faa.gz
xz -c valid.faa > valid.faa.xz
zstd -q -c valid.faa > valid.faa.zst
bzip2 -c valid.faa > valid.faa.bz2

printf '>a first\nMKV\n>b\nMKL\n>a again\nMKW\n' > duplicate_ids.faa
printf '>ok1\nMKV\n>empty_middle\n>ok2\nMKL\n\n>empty_end\n' > empty_records.faa
printf '>only_stop\n*\n>only_gaps\n--..\n>ok\nMK\n' > empty_after_cleaning.faa
printf '>\nMKV\n>   \nMKL\n>ok\nMKW\n' > empty_id.faa
printf '>ok\nMKVLA\n>at_sign desc\nMKVLAMKVLA\nMKV@AMKV?A\n>ctrl\nMK\001V\n>utf8\nMK\303\251V\n>gt_inline\nMK>V\n' > invalid_letters.faa
{
  printf '>dna_60\n'; printf 'ATGGCTAGCTAGGATCCGATCGATCGTAGCTAGCTAGCGGCGCGATATATCGCGATAGCN\n'
  printf '>rna_lower_30\n'; printf 'auggcuagcuaggauccgaucgaucguagc\n'
  printf '>nt_29\n'; printf 'ATGGCTAGCTAGGATCCGATCGATCGTAG\n'
  printf '>pep_GDSAV\nGDSAV\n'
  printf '>protein_89pct\n'; printf 'ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTAC\nEEEEEEEEEEE\n'
} > nucleotide.faa
printf '>crlf1 desc\r\nMKVL\r\nAAW\r\n>crlf2\r\nMK@V\r\n' > crlf.faa
printf '>a\nMKV\n>b\nMKLW' > no_final_newline.faa
printf '>gapped\nMK-V.L\nA1 2W\tR\n' > removed_chars.faa
printf '>terminal\nMKVL*\n>internal\nMK*VL*W\n>two_terminal\nMKV**\n>lone_stop_between\nM\n*\n' > stops.faa
{
  printf '>sp|P0AES4|GYRA_ECOLI DNA gyrase subunit A OS=Escherichia coli (strain K12) OX=83333 GN=gyrA PE=1 SV=1\nMSDL\n'
  printf '>gi|16130176|ref|NP_416734.1| DNA gyrase subunit A\nMSDL\n'
  printf '>lcl|NC_000913.3_prot_NP_416734.1_2156 [gene=gyrA] [locus_tag=b2231] [protein=DNA gyrase subunit A]\nMSDL\n'
  printf '>sample:contig_1/2:gyrA:pos=123 tab\there\nMSDL\n'
  printf '>%s\nMSDL\n' "$(printf 'x%.0s' $(seq 1 300))"
} > long_ids.faa
printf '>mixed\nMKVLawrT\n' > lowercase.faa
