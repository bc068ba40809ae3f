"""Trial outcomes computed from participants' classified exams and functional measures."""
