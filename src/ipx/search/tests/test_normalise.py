from __future__ import annotations

from ipx.search.normalise import index_tokens, query_groups, query_tokens, simplify


def test_traditional_and_simplified_give_the_same_tokens() -> None:
    assert index_tokens("鋰電池隔膜的製備方法") == index_tokens("锂电池隔膜的制备方法")
    assert query_groups("無人機 電池") == query_groups("无人机 电池")
    assert simplify("ＡＢＣ１２３ 鋰") == "abc123 锂"


def test_query_words_become_groups_of_alternatives() -> None:
    assert query_groups("锂电池") == [["锂电池", "锂电", "电池"]]
    assert query_groups("锂电池 隔膜") == [["锂电池", "锂电", "电池"], ["隔膜"]]


def test_english_is_lower_cased_stemmed_and_stopworded() -> None:
    assert index_tokens("The Batteries of Electric Vehicles") == ["batteri", "electr", "vehicl"]
    assert query_tokens("battery") == ["batteri"]


def test_numbers_survive() -> None:
    assert query_groups("CN218751475U") == [["cn218751475u"]]
    assert index_tokens("202223220665.2") == ["202223220665", "2"]


def test_function_words_are_dropped() -> None:
    assert "的" not in index_tokens("一种电池的制备方法")
    assert "一种" not in index_tokens("一种电池的制备方法")
    assert query_groups("的") == []
