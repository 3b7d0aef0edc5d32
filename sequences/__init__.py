"""Nurture sequences (Nachfass-Sequenzen): steps, enrolments, the beat job that runs them."""
