import pytest

from armstrace.catalogue.calibres import calibre_key


@pytest.mark.parametrize("spelling", ["7.62x39mm", "7,62×39", "7.62 x 39", "7,62х39 мм", "7.62X39 mm", "7.62*39"])
def test_calibre_spellings_share_a_key(spelling):
    assert calibre_key(spelling) == "7.62x39"


def test_different_calibres_differ():
    assert calibre_key("7.62x54R") != calibre_key("7.62x39")
    assert calibre_key(".50 BMG") == calibre_key("0.50 BMG")
