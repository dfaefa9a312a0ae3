"""The kiosk's photo, voice, read-aloud and elderly-mode flows, the redacted own bubble and the idle reset, in
Debian's headless Chromium with a fake camera/microphone (the microphone plays an espeak-ng WAV), against a
live `edge-agent serve` with EDGE_OCR/ASR/TTS on and the real model, Presidio, RapidOCR and Whisper."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.edge_agent.media.media_samples import ESPEAK, cjk_font, render_text, silence_wav, speak_wav

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: install Debian's 'chromium' package (make browser)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
pytest.importorskip("rapidocr", reason="pip install 'edge-agent[media]'")
pytest.importorskip("faster_whisper", reason="pip install 'edge-agent[media]'")
expect = sync_api.expect
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(cjk_font() is None or ESPEAK is None,
                                 reason="needs fonts-noto-cjk and espeak-ng (make browser media)")]

ANSWER_TIMEOUT_MS = 240_000  # first photo/recording loads RapidOCR/Whisper on a busy 2-core CPU
UI_TIMEOUT_MS = 15_000
CARD = "6222021234567892348"
SPOKEN = "I lost my bank card, what should I do?"


def card_on(html: str) -> bool:
    return re.search(r"(?:\s|-|&nbsp;|&#160;)*".join(CARD), html) is not None


@pytest.fixture(scope="module")
def fake_microphone(tmp_path_factory) -> Path:
    """The WAV Chromium's fake microphone plays: a second of silence, the question, silence (it loops)."""
    import io
    import wave

    speech = speak_wav(SPOKEN, "en", rate=140)
    with wave.open(io.BytesIO(speech)) as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    pad = wave.open(io.BytesIO(silence_wav(1.0, rate)))
    silence = pad.readframes(pad.getnframes())
    path = tmp_path_factory.mktemp("mic") / "question.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(silence + frames + silence + silence)
    return path


@pytest.fixture(scope="module")
def browser(fake_microphone: Path) -> Iterator[sync_api.Browser]:
    args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream", f"--use-file-for-fake-audio-capture={fake_microphone}",
            "--autoplay-policy=no-user-gesture-required"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def page(browser: sync_api.Browser, media_server) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, has_touch=True,
                                  permissions=["microphone", "camera"])
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(media_server.url + "/", wait_until="load")
    page.wait_for_selector("body.js-ready")
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"uncaught JavaScript errors: {errors}"


def wait_answer(page: sync_api.Page, before: int) -> sync_api.Locator:
    page.wait_for_function(
        """n => document.querySelectorAll("#conversation .answer[data-state='done']").length > n
               || document.querySelector("#conversation .system-message.error")""",
        arg=before, timeout=ANSWER_TIMEOUT_MS)
    assert not page.locator("#conversation .system-message.error").count(), "the page showed an error"
    return page.locator("#conversation .answer[data-state='done']").nth(before)


def wait_transcript(page: sync_api.Page) -> str:
    page.wait_for_function("() => document.querySelector('#message').value.trim().length > 0",
                           timeout=ANSWER_TIMEOUT_MS)
    return page.locator("#message").input_value()


def test_photo_with_a_card_is_read_redacted_edited_and_answered(page: sync_api.Page) -> None:
    image = render_text(["信用卡临时额度怎么调？", "卡号：6222 0212 3456 7892 348"])
    with page.expect_response(lambda r: r.url.endswith("/api/ask/image"), timeout=ANSWER_TIMEOUT_MS) as done:
        page.locator("#photo-input").set_input_files(files=[{"name": "letter.png", "mimeType": "image/png",
                                                             "buffer": image}])
    assert done.value.status == 200
    text = wait_transcript(page)
    assert "临时额度" in text and "<CREDIT_CARD_1>" in text and not card_on(text)
    expect(page.locator("#media-status")).to_be_visible()
    # the customer may edit the transcript before it is asked
    page.locator("#message").fill(text.replace("怎么调？", "怎么调整？"))
    page.locator("#send").click()
    answer = wait_answer(page, 0)
    assert answer.locator(".sources li").count() >= 1
    expect(page.locator("#conversation .bubble.customer").last).to_contain_text("怎么调整")
    assert not card_on(page.content()), "the card number is on the screen"


def test_press_and_hold_records_and_the_question_is_answered(page: sync_api.Page) -> None:
    button = page.locator("#voice-button")
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    expect(button).to_have_class(re.compile(r"\brecording\b"))
    expect(button).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(5000)  # the fake microphone plays the question (~3.5 s) once
    with page.expect_response(lambda r: r.url.endswith("/api/ask/voice"), timeout=ANSWER_TIMEOUT_MS) as done:
        page.mouse.up()
    assert done.value.status == 200, done.value.text()
    expect(button).not_to_have_class(re.compile(r"\brecording\b"))
    text = wait_transcript(page)
    assert "lost my bank card" in text.lower(), text
    page.locator("#send").click()
    answer = wait_answer(page, 0)
    sources = answer.locator(".sources li").all()
    assert sources and sources[0].get_attribute("data-source-id").startswith("bank/lost-card.en.md"), \
        [s.get_attribute("data-source-id") for s in sources]


def test_read_aloud_plays_the_answer(page: sync_api.Page) -> None:
    page.locator("#message").fill("信用卡临时额度怎么调？")
    page.locator("#send").click()
    answer = wait_answer(page, 0)
    speak = answer.locator(".speak")
    expect(speak).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/api/speak"), timeout=60_000) as done:
        speak.click()
    assert done.value.status == 200 and done.value.headers["content-type"].startswith("audio/wav")
    page.wait_for_function("b => ['playing', 'done'].includes(b.dataset.state)", arg=speak.element_handle(),
                           timeout=60_000)


def test_elderly_mode_is_large_high_contrast_and_confirms_aloud(page: sync_api.Page) -> None:
    send = page.locator("#send")
    normal_font = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#message')).fontSize)")
    normal_height = send.bounding_box()["height"]
    page.locator("#elderly-toggle").click()
    expect(page.locator("body")).to_have_class(re.compile(r"\belderly\b"))
    expect(page.locator("#elderly-toggle")).to_have_attribute("aria-pressed", "true")
    big_font = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#message')).fontSize)")
    assert big_font >= normal_font * 1.4, (normal_font, big_font)
    assert send.bounding_box()["height"] >= max(88, normal_height * 1.4)
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert page.evaluate("() => window.EdgeKiosk.idleSeconds()") == 300  # slower idle reset

    page.locator("#message").fill("信用卡临时额度怎么调？")
    chats: list[str] = []
    page.on("request", lambda r: chats.append(r.url) if "/api/chat" in r.url else None)
    with page.expect_response(lambda r: r.url.endswith("/api/speak"), timeout=60_000) as spoken:
        send.click()
    assert spoken.value.status == 200  # the question is read back before anything is sent
    confirm = page.locator(".confirm-send")
    expect(confirm).to_contain_text("信用卡临时额度怎么调")
    assert not chats, "the question was sent before the customer confirmed it"
    assert page.locator(".confirm-yes").bounding_box()["height"] >= 100
    page.locator(".confirm-yes").click()
    expect(confirm).to_have_count(0)
    answer = wait_answer(page, 0)
    full = answer.evaluate("b => b.querySelector('.answer-text').textContent")
    if answer.get_attribute("data-shortened") == "true":  # key sentences first, the rest one tap away
        more = answer.locator(".show-more")
        more.click()
        assert len(answer.locator(".answer-text").inner_text()) > len(full)
    assert len(re.findall(r"[。！？.!?]", full)) <= 2, full


def test_lingering_on_send_gets_a_bigger_button_and_a_spoken_confirmation(page: sync_api.Page) -> None:
    """Not in elderly mode: the pointer resting on Send (without pressing it) brings the confirmation, with the
    question read back (guarded first); nothing is sent until the customer says yes."""
    page.locator("#message").fill("信用卡临时额度怎么调？")
    chats: list[str] = []
    page.on("request", lambda r: chats.append(r.url) if "/api/chat" in r.url else None)
    with page.expect_request(lambda r: r.url.endswith("/api/speak"), timeout=20_000) as spoken:
        page.locator("#send").hover()
    assert '"source": "question"' in spoken.value.post_data or '"source":"question"' in spoken.value.post_data
    expect(page.locator(".confirm-send")).to_contain_text("信用卡临时额度怎么调")
    expect(page.locator("#send")).to_have_class(re.compile(r"\blingered\b"))
    assert not chats, "sent before the customer confirmed"
    page.locator(".confirm-yes").click()
    wait_answer(page, 0)
    expect(page.locator("#send")).not_to_have_class(re.compile(r"\blingered\b"))


def test_idle_reset_clears_the_screen_and_ends_the_session(page: sync_api.Page, media_server) -> None:
    """With a short idle time (the page's setting rewritten to 3 s), an answered screen is wiped and a new
    session starts by itself; the server-side session is ended."""
    def short_idle(route: sync_api.Route) -> None:
        response = route.fetch()
        body = response.text().replace('data-idle-reset-seconds="120"', 'data-idle-reset-seconds="3"')
        route.fulfill(response=response, body=body)

    page.route(media_server.url + "/", short_idle)
    page.goto(media_server.url + "/", wait_until="load")
    page.wait_for_selector("body.js-ready")
    assert page.evaluate("() => window.EdgeKiosk.idleSeconds()") == 3
    page.locator("#message").fill(f"我的卡号是 {CARD}，临时额度怎么调？")
    page.locator("#send").click()
    wait_answer(page, 0)
    before = page.evaluate("() => sessionStorage.getItem('edge-agent.session_id')")
    with page.expect_request(lambda r: r.url.endswith("/api/session/end"), timeout=20_000) as ended:
        pass
    assert before in (ended.value.post_data or "")
    expect(page.locator("#conversation .bubble.customer")).to_have_count(0)
    expect(page.locator("#conversation .answer")).to_have_count(0)
    after = page.evaluate("() => sessionStorage.getItem('edge-agent.session_id')")
    assert after and after != before
    assert not card_on(page.content())
