"""The published highlight, typed from the seed (shared/seed/000_fab23f745a28cee1.txt).

These strings are the ground truth the bundled highlight must render to, character for
character: they are copied from the journal's page, not produced by the extension.
"""

from __future__ import annotations

CITATION = (
    "Yang, J., Xie, S., Zhu, S. et al. Specialized Microglia Resolve Neuropathic Pain in the "
    "Spinal Cord. Neurosci. Bull. 39, 173–175 (2023)."
)
CITATION_DOI = "https://doi.org/10.1007/s12264-022-00932-8"

REFERENCES = [
    "Finnerup NB, Kuner R, Jensen TS. Neuropathic pain: From mechanisms to treatment. Physiol Rev 2021, 101: 259–301.",
    "Price TJ, Basbaum AI, Bresnahan J, Chambers JF, de Koninck Y, Edwards RR. Transition to chronic pain: Opportunities for novel therapeutics. Nat Rev Neurosci 2018, 19: 383–384.",
    "Kohno K, Shirasaka R, Yoshihara K, Mikuriya S, Tanaka K, Takanami K, et al. A spinal microglia population involved in remitting and relapsing neuropathic pain. Science 2022, 376: 86–90.",
    "Inoue K, Tsuda M. Microglia in neuropathic pain: Cellular and molecular mechanisms and therapeutic potential. Nat Rev Neurosci 2018, 19: 138–152.",
    "Chen G, Zhang YQ, Qadri YJ, Serhan CN, Ji RR. Microglia in pain: Detrimental and protective roles in pathogenesis and resolution of pain. Neuron 2018, 100: 1292–1311.",
    "Shemer A, Erny D, Jung S, Prinz M. Microglia plasticity during health and disease: An immunological perspective. Trends Immunol 2015, 36: 614–624.",
    "Rothhammer V, Borucki DM, Tjon EC, Takenaka MC, Chao CC, Ardura-Fabregat A, et al. Microglial control of astrocytes in response to microbial metabolites. Nature 2018, 557: 724–728.",
    "Sideris-Lampretsas G, Malcangio M. Microglial heterogeneity in chronic pain. Brain Behav Immun 2021, 96: 279–289.",
    "Guan Z, Kuhn JA, Wang X, Colquitt B, Solorzano C, Vaman S, et al. Injured sensory neuron–derived CSF1 induces microglial proliferation and DAP12-dependent pain. Nat Neurosci 2016, 19: 94–101.",
    "Huang Y, Happonen KE, Burrola PG, O’Connor C, Hah N, Huang L, et al. Microglia use TAM receptors to detect and engulf amyloid β plaques. Nat Immunol 2021, 22: 586–594.",
    "Mogil JS. Qualitative sex differences in pain processing: Emerging evidence of a biased literature. Nat Rev Neurosci 2020, 21: 353–365.",
    "Krieger CC, Neumann S, Gershengorn MC. TSH/IGF1 receptor crosstalk: Mechanism and clinical implications. Pharmacol Ther 2020, 209: 107502.",
    "Tansley S, Uttam S, Ureña Guzmán A, Yaqubi M, Pacis A, Parisien M, et al. Single-cell RNA sequencing reveals time- and sex-specific responses of mouse spinal cord microglia to peripheral nerve injury and links ApoE to chronic pain. Nat Commun 2022, 13: 843.",
    "Niehaus JK, Taylor-Blake B, Loo L, Simon JM, Zylka MJ. Spinal macrophages resolve nociceptive hypersensitivity after peripheral injury. Neuron 2021, 109: 1274-1282.e6.",
]

#: Verified DOIs of the references (shared/data/README.md), by position 1-14; None: none.
REFERENCE_DOIS = [
    "10.1152/physrev.00045.2019",
    "10.1038/s41583-018-0012-5",
    None,
    "10.1038/nrn.2018.2",
    "10.1016/j.neuron.2018.11.009",
    None,
    "10.1038/s41586-018-0119-x",
    None,
    "10.1038/nn.4189",
    "10.1038/s41590-021-00913-5",
    "10.1038/s41583-020-0310-6",
    None,
    "10.1038/s41467-022-28473-8",
    None,
]
