#!/usr/bin/env python3
"""Builds the cohorts of testdata/quality from sources/ (see PROVENANCE.md).

clean/   8 accessions of real, unedited E. coli records (GyrA, ParC, BasS/PmrB,
         MarR variants and wild types): the outlier rules must flag none.
planted/ 6 accessions (to add to clean/) that each carry one documented edit of a
         real record (a GyrA fragment, ParC named as gyrA, a 70%-identity GyrA,
         two GyrA copies, five X in GyrA, a GyrA with a divergent C-terminal
         tail).

Run from this directory: python3 make_cohorts.py (deterministic)."""
import os


def read(path):
    recs, hdr, seq = [], None, []
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith(">"):
            if hdr is not None:
                recs.append((hdr, "".join(seq)))
            hdr, seq = line[1:], []
        elif line:
            seq.append(line)
    if hdr is not None:
        recs.append((hdr, "".join(seq)))
    return recs


def by_id(recs):
    return {h.split()[0]: (h, s) for h, s in recs}


src = {}
for f in ["ref_ecoli_k12_mg1655.faa", "variant_ecoli_gyrA.faa", "variant_ecoli_pmrB_multicopy.faa",
          "ref_ecoli_pointfinder.faa", "derived_edge_cases.faa"]:
    src.update(by_id(read(os.path.join("sources", f))))

K12 = "ecoli_k12|{}|{}".format
gyrA_k12 = src[K12("gyrA", "NP_416734.1")]
parC_k12 = src[K12("parC", "NP_417491.1")]
basS_k12 = [r for i, r in src.items() if i.startswith("ecoli_k12|basS|")][0]
marR_k12 = [r for i, r in src.items() if i.startswith("ecoli_k12|marR|")][0]
gyr = {k.split("|")[0]: v for k, v in src.items() if k.startswith("ecoli_gyrA_")}
pmrB = {k.split("|")[0]: v for k, v in src.items() if k.startswith("ecoli_pmrB_")}
pf = {k.split("|")[1]: v for k, v in src.items() if k.startswith("ecoli_pointfinder|")}

clean = {
    "acc01": [gyr["ecoli_gyrA_D87N"], parC_k12, pmrB["ecoli_pmrB_C84R"], marR_k12],
    "acc02": [gyr["ecoli_gyrA_S83A"], pf["parC"], basS_k12, marR_k12],
    "acc03": [gyr["ecoli_gyrA_G81D"], parC_k12, pmrB["ecoli_pmrB_contig14_copy1"], marR_k12],
    "acc04": [gyr["ecoli_gyrA_G81D_D82G"], pf["parC"], pmrB["ecoli_pmrB_contig14_copy3"], marR_k12],
    "acc05": [gyr["ecoli_gyrA_E7Q_G81D_D82G"], parC_k12, basS_k12, marR_k12],
    "acc06": [gyrA_k12, parC_k12, pmrB["ecoli_pmrB_C84R"], marR_k12],
    "acc07": [pf["gyrA"], pf["parC"], basS_k12, marR_k12],
    "acc08": [gyr["ecoli_gyrA_D87N"], parC_k12, basS_k12, marR_k12],
}

AA = "ACDEFGHIKLMNPQRSTVWY"


def homolog70(seq):
    # Every residue at a 1-based position p with p % 10 in {3, 6, 9} is
    # replaced by the residue 7 places further in ACDEFGHIKLMNPQRSTVWY: 30%
    # of the positions change, evenly spread, so identity is about 70%.
    out = []
    for p, c in enumerate(seq, 1):
        out.append(AA[(AA.index(c) + 7) % 20] if p % 10 in (3, 6, 9) else c)
    return "".join(out)


g = gyrA_k12[1]
planted_extra = {
    "acc09_fragment": [("edit_gyrA_fragment|gyrA|NP_416734.1 EDIT: E. coli K-12 GyrA residues 1-400 only (a fragment at a contig edge)", g[:400]),
                       parC_k12, basS_k12, marR_k12],
    "acc10_paralog": [("edit_parC_named_gyrA|gyrA|NP_417491.1 EDIT: E. coli K-12 ParC, unchanged, with the gyrA gene key (a paralog assigned by name)", parC_k12[1]),
                      parC_k12, basS_k12, marR_k12],
    "acc11_homolog70": [("edit_gyrA_identity70|gyrA|NP_416734.1 EDIT: E. coli K-12 GyrA with every residue at positions p%10 in {3,6,9} shifted 7 places in ACDEFGHIKLMNPQRSTVWY (about 70% identity)", homolog70(g)),
                        parC_k12, basS_k12, marR_k12],
    "acc12_copies": [gyr["ecoli_gyrA_D87N"], gyr["ecoli_gyrA_S83A"], parC_k12, basS_k12, marR_k12],
    "acc13_ambiguous": [src["derived_gyrA_X83-87|gyrA|E."], parC_k12, basS_k12, marR_k12],
    "acc14_tail": [("edit_gyrA_divergent_tail|gyrA|NP_416734.1 EDIT: E. coli K-12 GyrA residues 1-800, then the 10 residues WHPCMWYRFW (a frameshift-like divergent tail)", g[:800] + "WHPCMWYRFW"),
                   parC_k12, basS_k12, marR_k12],
}


def write(path, recs):
    with open(path, "w") as f:
        for h, s in recs:
            f.write(">" + h + "\n")
            for i in range(0, len(s), 60):
                f.write(s[i:i + 60] + "\n")


for d, cohort in (("clean", clean), ("planted", planted_extra)):
    os.makedirs(d, exist_ok=True)
    for acc, recs in cohort.items():
        write(os.path.join(d, acc + ".faa"), recs)
