import pytest

from onestop.notifications.sms import GSM7_BASIC, GSM7_EXTENSION, sms_count


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 0),
        ("a", "GSM-7", 1, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("a" * 459, "GSM-7", 459, 3),
        ("€" * 80, "GSM-7", 160, 1),
        ("a" * 159 + "€", "GSM-7", 161, 2),
        ("a" * 158 + "€", "GSM-7", 160, 1),
        # the escape and its character stay together: a € at septet 153 opens segment 2
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 306, 3),
        ("a" * 151 + "€" + "a" * 153, "GSM-7", 306, 2),
        ("{}[]~|^\\\f€", "GSM-7", 20, 1),
        ("Ça coûte 12 €", "UCS-2", 13, 1),  # û is not GSM-7
        ("Çà é è ù ì ò Ñ ü ß ¿ ¡ § ¤ £ ¥ Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ", "GSM-7", 50, 1),
        ("ж" * 70, "UCS-2", 70, 1),
        ("ж" * 71, "UCS-2", 71, 2),
        ("ж" * 134, "UCS-2", 134, 2),
        ("ж" * 135, "UCS-2", 135, 3),
        ("مرحبا " * 14, "UCS-2", 84, 2),
        ("a" * 159 + "ж", "UCS-2", 160, 3),
        ("😀", "UCS-2", 2, 1),
        ("😀" * 35, "UCS-2", 70, 1),
        ("a" + "😀" * 35, "UCS-2", 71, 2),
        # a surrogate pair is not split: 66 units then an emoji moves to segment 2
        ("ж" * 66 + "😀" + "ж" * 66, "UCS-2", 134, 3),
        ("ж" * 65 + "😀" + "ж" * 67, "UCS-2", 134, 2),
        ("€" + "`", "UCS-2", 2, 1),  # the backtick is not GSM-7
    ],
)
def test_sms_count_counts_units_and_segments(text, encoding, units, segments):
    # when
    count = sms_count(text)

    # then
    assert (count.encoding, count.units, count.segments) == (encoding, units, segments)


def test_gsm7_tables_have_the_standard_sizes():
    # 128 positions of the basic table less the escape; 10 characters of the extension table
    assert (len(GSM7_BASIC), len(GSM7_EXTENSION)) == (127, 10)
    assert GSM7_BASIC.isdisjoint(GSM7_EXTENSION)


@pytest.mark.parametrize("character", sorted(GSM7_BASIC))
def test_every_basic_character_costs_one_septet(character):
    assert (sms_count(character * 160).units, sms_count(character * 160).segments) == (160, 1)


@pytest.mark.parametrize("character", sorted(GSM7_EXTENSION))
def test_every_extension_character_costs_two_septets(character):
    assert sms_count(character * 81).units == 162
    assert sms_count(character * 81).segments == 2
