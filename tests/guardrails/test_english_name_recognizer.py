"""EnglishNameRecognizer: cue phrases always; spaCy NER PERSON when a pipeline is given."""
import pytest

from guardrails.recognizers.english_name_recognizer import EnglishNameRecognizer, load_ner


@pytest.fixture(scope="module")
def with_ner():
    return EnglishNameRecognizer(nlp=load_ner())


def found(recognizer: EnglishNameRecognizer, text: str) -> list[str]:
    return [text[r.start:r.end] for r in recognizer.analyze(text, [])]


@pytest.mark.parametrize("text, expected", [
    ("This is Lucas Davis, my SSN is", ["Lucas Davis"]),              # weak cue, two words
    ("failed, my name is Sophia Anderson.", ["Sophia Anderson"]),     # strong cue
    ("Dear Ms. Johnson,", ["Johnson"]),                               # title + surname
    ("Mr. Zhang Wei called", ["Zhang Wei"]),                           # romanised Chinese name
    ("联系人：John Smith，电话", ["John Smith"]),                       # Chinese cue, English name
    ("hi my name is kathryn smith and i lost my card", ["kathryn smith"]),  # lower case after a strong cue
    ("Cardholder: BRENDA VALENZUELA", ["BRENDA VALENZUELA"]),           # ALL CAPS after a strong cue
    ("我是Tracy W. Flores，想改预约", ["Tracy W. Flores"]),              # middle initial after a weak cue
    ("I'm Kevin, the patient's daughter", ["Kevin"]),                    # one word, then a comma
    ("Thanks, Justin", ["Justin"]),                                      # sign-off at the end
    ("Urgent - GARY HUERTA here, I want", ["GARY HUERTA"]),              # self-introduction in capitals
    ("please transfer 500 to Nadia Okafor today", ["Nadia Okafor"]),    # payment sentence, to
    ("I got money from Emily Clarke yesterday", ["Emily Clarke"]),        # payment sentence, from
    ("passenger: mary jones, seat 12A", ["mary jones"]),                 # role noun, lower case
    ("the payee is Liam Walsh", ["Liam Walsh"]),                           # role noun + is
    ("legal representative ZHOU MING", ["ZHOU MING"]),                   # role noun, ALL CAPS
])
def test_cue_names(text, expected):
    assert found(EnglishNameRecognizer(), text) == expected


@pytest.mark.parametrize("text", [
    "This is Bank of China customer service",   # organisation after a weak cue
    "I am Calling about my card",               # stop word after a weak cue
    "This is urgent",                           # lower case
    "my name is wrong on the card",             # common words after a strong cue
    "my name is on the account",                # stop words after a strong cue
    "Thanks, Have a nice day",                  # sign-off not followed by a name at the end
    "I'm Sorry, the ATM ate my card",           # a capitalised common word
])
def test_cue_non_names(text):
    assert found(EnglishNameRecognizer(), text) == []


@pytest.mark.parametrize("text, name", [
    ("Please ask Jennifer Wilson to call back.", "Jennifer Wilson"),   # no cue: NER
    ("Robert Martin visited the branch yesterday.", "Robert Martin"),  # sentence start: NER
])
def test_ner_names(with_ner, text, name):
    assert name in found(with_ner, text)


def test_ner_ignores_codes(with_ner):
    assert found(with_ner, "Flight CA1850 was delayed, error E1001.") == []
