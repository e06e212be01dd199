"""What every form's widgets share (elections.forms.BootstrapMixin)."""

from candidates.forms import CandidacyCreateForm


def test_a_select_says_choose_rather_than_dashes() -> None:
    html = str(CandidacyCreateForm()["gender"]) + str(CandidacyCreateForm()["education"])

    assert "---------" not in html
    assert '<option value="" selected>请选择…</option>' in html
