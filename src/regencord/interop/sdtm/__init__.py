"""SDTM-style datasets of one trial (DM, SV, EX, PR, CM, AE, RS, CO, QS, FT and their
supplemental qualifiers), from plain data (:class:`~regencord.interop.export_data.ExportTrial`),
as CSV and SAS transport (XPT version 5) files with a define.xml-like specification
(JSON and HTML). See ``docs/interop.md`` for every mapping and sponsor-defined code."""

from __future__ import annotations

from regencord.interop.export_data import ExportTrial
from regencord.interop.sdtm.dataset import Dataset
from regencord.interop.sdtm.exams import co, rs
from regencord.interop.sdtm.findings import ft, qs
from regencord.interop.sdtm.subjects import ae, cm, dm, ex_pr, subjects, sv

__all__ = ["Dataset", "build_datasets"]


def build_datasets(trial: ExportTrial) -> tuple[Dataset, ...]:
    """Every dataset of the trial, parent domains first, each followed by its SUPP--
    (SUPP-- and CO only when they have rows)."""
    subs = subjects(trial)
    dm_data, supp_dm = dm(trial, subs)
    ex_data, pr_data, supp_pr = ex_pr(trial, subs)
    cm_data, supp_cm = cm(trial, subs)
    ae_data, supp_ae = ae(trial, subs)
    rs_data, supp_rs = rs(trial, subs)
    ft_data, supp_ft = ft(trial, subs)
    ordered = (
        dm_data, supp_dm, sv(trial, subs), ex_data, pr_data, supp_pr, cm_data, supp_cm,
        ae_data, supp_ae, rs_data, supp_rs, co(trial, subs), qs(trial, subs), ft_data, supp_ft,
    )  # fmt: skip
    optional = ("SUPP", "CO")
    return tuple(d for d in ordered if d.rows or not d.name.startswith(optional))
