"""What an e-mail is for, as people read it: the apps that send mail name their purposes' codes
("invitation", "reminder") here, and the mail pages show the words (lazily translated)."""

_labels = {}


def register_purpose(code, label):
    _labels[code] = label


def purpose_label(code):
    return str(_labels.get(code, code))
