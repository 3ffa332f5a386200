"""Near-duplicate articles collapse into the best-ranked copy, with also_in."""

from retrieval.grouping import ArticleGroup, collapse_duplicates

WIRE = ("Officials said on Tuesday that the storm had forced thousands of residents to leave "
        "their homes along the coast, and that shelters were opening in three counties. ") * 4


def ranked(*ids: str) -> list[ArticleGroup]:
    return [ArticleGroup(a, 1.0 - i / 10) for i, a in enumerate(ids)]


def test_near_duplicates_collapse_into_best_ranked() -> None:
    texts = {"ap": WIRE, "cnn": "CNN — " + WIRE + " More to come.", "other": "A different story. " * 30}
    kept = collapse_duplicates(ranked("ap", "cnn", "other"), texts.__getitem__, limit=5)
    assert [g.article_id for g in kept] == ["ap", "other"]
    assert kept[0].also_in == ["cnn"]


def test_collapse_fills_up_to_limit_and_reads_no_more_texts() -> None:
    texts = {f"d{i}": f"story number {i} " + f"word{i} " * 50 for i in range(10)}
    read: list[str] = []

    def text_of(article_id: str) -> str:
        read.append(article_id)
        return texts[article_id]

    kept = collapse_duplicates(ranked(*texts), text_of, limit=3)
    assert [g.article_id for g in kept] == ["d0", "d1", "d2"]
    assert read == ["d0", "d1", "d2", "d3"]  # the 4th is read, found distinct, and stops it


def test_one_body_under_unrelated_headlines_is_not_one_story() -> None:
    wall = "Please register to keep reading. We use your details as our privacy policy says."
    texts = dict.fromkeys(("lion", "pound", "copy", "retitled"), wall)
    titles = {"lion": "Lion seen near Berlin", "pound": "Pound hits a record low",
              "copy": None, "retitled": "Berlin police hunt for lion"}
    kept = collapse_duplicates(ranked("lion", "pound", "copy", "retitled"),
                               texts.__getitem__, limit=5, title_of=titles.__getitem__)
    assert [g.article_id for g in kept] == ["lion", "pound"]
    # No headline, or one sharing a word ("lion"), folds into the story as before.
    assert kept[0].also_in == ["copy", "retitled"] and kept[1].also_in == []
