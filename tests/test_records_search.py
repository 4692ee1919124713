"""Search through the services: Chinese queries of 1, 2 and 3+ characters, by access,
inside the encrypted vault (sqlcipher3, never the stdlib sqlite3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Studio
from xinhe.errors import AccessDenied

pytestmark = pytest.mark.both_backends


def signed_note(studio: Studio, svc, case_id: int, text: str) -> None:  # noqa: ANN001
    draft = svc.notes.draft_session(case_id, started_at=studio.folder.clock(), duration_min=30,
                                    modality="phone", answers={"data": text})
    svc.notes.sign_session(draft.id, draft.version)


@pytest.fixture
def corpus(studio: Studio) -> dict[str, int]:
    mine = studio.new_case(studio.wang, name="林晓燕")
    theirs = studio.new_case(studio.chen, name="赵雪梅", phone="13900139000")
    signed_note(studio, studio.wang, mine.id, "当事人申请人身安全保护令，对方曾掐脖子。")
    signed_note(studio, studio.chen, theirs.id, "当事人遭受家暴后搬到朋友家，已申请保护令。")
    signed_note(studio, studio.chen, theirs.id, "Follow-up by WeChat: she feels safer now.")
    return {"mine": mine.id, "theirs": theirs.id}


def keys(hits: list) -> list[tuple[str, str]]:  # noqa: ANN001
    return sorted((h.client_name, h.kind) for h in hits)


def test_chinese_queries_of_one_two_and_three_characters(studio: Studio,
                                                         corpus: dict[str, int]) -> None:
    sup = studio.sup
    assert keys(sup.search("掐")) == [("林晓燕", "session")]
    assert keys(sup.search("家暴")) == [("赵雪梅", "session")]
    assert keys(sup.search("保护令")) == [("林晓燕", "session"), ("赵雪梅", "session")]
    assert keys(sup.search("申请 朋友")) == [("赵雪梅", "session")]  # terms are ANDed
    assert keys(sup.search("wechat")) == [("赵雪梅", "session")]
    assert keys(sup.search("晓燕")) == [("林晓燕", "case")]  # client names are indexed
    assert sup.search("不存在的词") == []
    hit = sup.search("掐脖子")[0]
    assert "掐脖子" in hit.snippet.replace("\x02", "").replace("\x03", "")


def test_results_follow_access(studio: Studio, corpus: dict[str, int]) -> None:
    assert keys(studio.wang.search("保护令")) == [("林晓燕", "session")]
    assert studio.wang.search("赵雪梅") == []
    # Staff find case headers (names, numbers) but never note text.
    assert keys(studio.staff.search("赵雪梅")) == [("赵雪梅", "case")]
    assert studio.staff.search("保护令") == []
    with pytest.raises(AccessDenied):
        studio.admin.search("保护令")


def test_drafts_are_not_indexed_until_signed(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    draft = studio.wang.notes.draft_session(case.id, started_at=studio.folder.clock(),
                                            duration_min=30, modality="phone",
                                            answers={"data": "草稿里的独特词语甲乙丙"})
    assert studio.wang.search("甲乙丙") == []
    studio.wang.notes.sign_session(draft.id, draft.version)
    assert len(studio.wang.search("甲乙丙")) == 1


@pytest.mark.local_only("the vault's files; the server's dump: test_server_sealing.py")
def test_note_text_is_not_in_the_vault_files(studio: Studio, folder_path_marker: str) -> None:
    case = studio.new_case(studio.wang)
    signed_note(studio, studio.wang, case.id, f"记号{folder_path_marker}结束")
    assert studio.wang.search(folder_path_marker)
    for vault in studio.vaults:
        vault.close()
    files = [p for p in Path(studio.folder.path).iterdir() if p.is_file()]
    assert any(p.name == "vault.db" for p in files)
    for path in files:
        assert folder_path_marker.encode() not in path.read_bytes(), path.name


@pytest.fixture
def folder_path_marker() -> str:
    return "MARKER标记93af"


def test_a_rare_word_is_found_past_the_newest_five_hundred_documents(studio: Studio) -> None:
    from xinhe.records.search_index import index_text

    # The server looks at the newest 500 documents one by one, then uses its index for the
    # rest: words only in old documents, and a common word, both found as in a vault.
    case = studio.new_case(studio.wang)
    other = studio.new_case(studio.chen, name="何某", phone="13700137000")
    for i in range(620):
        body = f"第{i}次会谈，常见词出现。" + ("她提到鸵鸟蛋。" if i < 3 else "") + \
            ("每十次的中频词。" if i % 10 == 0 else "")
        index_text(studio.wang.vault, f"session:{100000 + i}", case.id, "session", "咨询记录",
                   body, f"2025-01-01T00:{i // 60:02d}:{i % 60:02d}+00:00")
    index_text(studio.chen.vault, "session:200000", other.id, "session", "咨询记录",
               "她提到鸵鸟蛋，在陈芳的个案里。", "2025-02-01T00:00:00+00:00")
    old = sorted(h.doc_key for h in studio.wang.search("鸵鸟蛋"))
    assert old == ["session:100000", "session:100001", "session:100002"]
    assert len(studio.wang.search("中频词", limit=100)) == 62
    assert [h.doc_key for h in studio.wang.search("常见词")][:2] == ["session:100619",
                                                                    "session:100618"]
    assert len(studio.sup.search("鸵鸟蛋")) == 4  # the supervisor sees both cases
    assert [h.doc_key for h in studio.chen.search("鸵鸟蛋")] == ["session:200000"]
