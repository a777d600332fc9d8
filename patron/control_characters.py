"""The control characters no text Patron keeps may hold, from a file, a form or the API alike.

C0 controls but tab, line feed and carriage return; DEL; and the C1 controls, which some
terminals obey as escape sequences and which are in text only when it was decoded wrongly.
PostgreSQL cannot store NUL at all.
"""

import re

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text):
    """The first control character ``text`` may not hold, as "U+0000", or None."""
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None
