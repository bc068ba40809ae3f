"""The synthetic demo trial: ``regencord demo`` builds it in a fresh database.

All data of the demo are synthetic. The trial is modelled on the published design of the
Keio University first-in-human study of iPS cell-derived neural stem/progenitor cells in
subacute complete spinal cord injury (reported March 2025), and its generated exams
reproduce the reported course of the four participants; no real participant's data are
used. The trial is flagged ``synthetic`` and its title says SYNTHETIC.

- :mod:`regencord.demo.scenario`: the design and each participant's intended course;
- :mod:`regencord.demo.exams`: raw ISNCSCI exams from a compact description (the engine
  grades them);
- :mod:`regencord.demo.build`: :func:`build_demo` writes the trial through the services.
"""

from regencord.demo.build import DemoSummary, build_demo
from regencord.demo.scenario import DEMO_TRIAL_CODE

__all__ = ["DEMO_TRIAL_CODE", "DemoSummary", "build_demo"]
