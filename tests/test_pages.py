"""The pages people read, tested live: search, a page for every IRI, the offline query page, hostile labels."""

import json
import re

import httpx
import pytest
from markupsafe import escape

from conftest import assert_offline
from graph.search import needle


HTML = {"Accept": "text/html"}


def _iris(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [hit["iri"].rsplit("/", 1)[-1] for hit in response.json()["results"]]


@pytest.mark.parametrize(("text", "first"), [
    ("khu cong nghe cao", "shtp"),
    ("Khu Công nghệ cao", "shtp"),
    ("SHTP", "shtp"),
    ("saigon hi-tech park", "shtp"),
    ("C4IR TPHCM", "c4ir-hcmc"),
    ("bo khoa hoc va cong nghe", "most"),
    ("Lê Trường Duy", "le-truong-duy"),
    ("ban dan", "semiconductors"),
    ("Nhật", "japan"),  # typed with diacritics: Nhật Bản before "ít nhất", which folds alike
    ("ít nhất", "at-least"),
])
def test_search_finds_by_any_label_with_or_without_diacritics(base: str, text: str, first: str) -> None:
    assert _iris(httpx.get(f"{base}/search", params={"q": text}))[0] == first


def test_a_hit_shows_the_label_it_matched_as_written(base: str) -> None:
    hits = httpx.get(f"{base}/search", params={"q": "Nhật"}).json()["results"]
    assert hits[0]["matched"] == "Nhật Bản"
    spelt = [i for i, hit in enumerate(hits) if "Nhật" in hit["matched"]]
    folded = [i for i, hit in enumerate(hits) if "nhat" in hit["matched"]]  # "ít nhất" and the like, by their folded form
    assert len(spelt) >= 5 and folded and max(spelt) < min(folded)


def test_a_word_that_starts_with_the_text_ranks_before_the_text_inside_a_word(base: str) -> None:
    hits = httpx.get(f"{base}/search", params={"q": "han", "limit": 50}).json()["results"]
    starts = [any(w.startswith("han") for w in needle(h["matched"]).split()) for h in hits]
    assert any(starts) and not all(starts)  # "Hàn Quốc", and "Phan Văn Mãi"
    assert starts == sorted(starts, reverse=True)


def test_search_filters_by_type(base: str) -> None:
    people = _iris(httpx.get(f"{base}/search", params={"q": "nguyen", "type": "person"}))
    assert set(people) == {"nguyen-ky-phung", "nguyen-loc-ha"}
    orgs = _iris(httpx.get(f"{base}/search", params={"q": "SHTP", "type": "organisation"}))
    assert orgs == ["shtp-board"]


def test_search_has_an_html_page(base: str) -> None:
    page = httpx.get(f"{base}/search", params={"q": "khu cong nghe cao", "lang": "en"}, headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'href="/id/shtp?lang=en">Saigon Hi-Tech Park</a>' in page.text  # the link keeps the language


def test_an_iri_dereferences_to_a_page_with_labels_statements_and_evidence(base: str) -> None:
    page = httpx.get(f"{base}/id/c4ir-hcmc", headers=HTML)
    assert page.status_code == 200
    assert "Trung tâm Cách mạng công nghiệp lần thứ 4 Thành phố Hồ Chí Minh" in page.text
    assert "Centre for the Fourth Industrial Revolution Ho Chi Minh City" in page.text
    assert "Ngày 14/4, Trung tâm Cách mạng công nghiệp lần thứ 4 (C4IR) TPHCM làm việc" in page.text  # its evidence
    assert "004_fdba76f455c76230.txt" in page.text
    assert 'href="/id/proposal-international-technology-exchange?lang=vi"' in page.text  # what refers to it
    english = httpx.get(f"{base}/id/c4ir-hcmc", params={"lang": "en"}, headers=HTML)
    assert "<h1>Centre for the Fourth Industrial Revolution Ho Chi Minh City</h1>" in english.text
    # property names from the ontology's labels, in the page's language
    assert "<tr><td>nhóm tác nhân</td>" in page.text and "<tr><td>actor category</td>" in english.text


@pytest.mark.parametrize(("accept", "fmt", "marker"), [
    ("text/turtle", None, "igr:c4ir-hcmc"),
    ("application/ld+json", None, '"@id":"igr:c4ir-hcmc"'),  # with the project's prefixes as its @context
    ("application/n-triples", None, "<https://w3id.org/innograph/id/c4ir-hcmc> <http://www.w3.org/2000/01/rdf-schema#label>"),
    (None, "turtle", "igr:c4ir-hcmc"),
])
def test_an_iri_dereferences_to_rdf_by_accept_or_format(base: str, accept: str | None, fmt: str | None, marker: str) -> None:
    response = httpx.get(f"{base}/id/c4ir-hcmc", params={"format": fmt} if fmt else {},
                         headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert marker in response.text


def test_an_unknown_iri_is_404(base: str) -> None:
    assert httpx.get(f"{base}/id/no-such-thing", headers=HTML).status_code == 404
    assert httpx.get(f"{base}/id/no-such-thing", headers={"Accept": "text/turtle"}).status_code == 404


def test_the_home_page_works_offline_and_lists_the_catalogue(base: str) -> None:
    page = httpx.get(f"{base}/")
    assert page.status_code == 200 and "<textarea" in page.text
    assert_offline(page.text)


def test_every_question_of_the_catalogue_is_asked_in_vietnamese_and_english(base: str) -> None:
    listed = httpx.get(f"{base}/queries").json()
    assert listed and all(q["question_vi"] and q["question"] and q["question_vi"] != q["question"] for q in listed)
    vietnamese = httpx.get(f"{base}/?lang=vi", headers=HTML).text
    english = httpx.get(f"{base}/?lang=en", headers=HTML).text
    for q in listed:
        assert f'>{escape(q["question_vi"])}</a>' in vietnamese, q["name"]  # as Jinja writes text into a page
        assert f'>{escape(q["question"])}</a>' in english, q["name"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_example_in_the_editor_answers_as_its_named_query_does(base: str, lang: str) -> None:
    page = httpx.get(f"{base}/", params={"lang": lang}).text
    texts = json.loads(re.search(r'<script id="example-data" type="application/json">(.*?)</script>', page, re.S)[1])
    names = re.findall(r'<a href="/queries/([\w-]+)', page)
    text = texts[names.index("actor_partners")]
    assert "VALUES ?actor" in text and f'VALUES ?lang {{ "{lang}" }}' in text  # its example values, bound in the text
    edited = httpx.get(f"{base}/sparql", params={"query": text}).json()["results"]["bindings"]
    named = httpx.get(f"{base}/queries/actor_partners", params={"actor": "igr:c4ir-hcmc", "lang": lang}).json()
    assert edited == named["results"]["bindings"]
    labels = {b["partnerLabel"]["value"] for b in edited if "partnerLabel" in b}
    assert ("Tổng Lãnh sự quán Nhật Bản tại Thành phố Hồ Chí Minh" if lang == "vi"
            else "Consulate General of Japan in Ho Chi Minh City") in labels


@pytest.mark.parametrize("path", ["/id/hostile", "/id/shtp-board", "/search?q=alert", "/search?q=script", "/"])
def test_a_hostile_label_shows_as_text_on_every_page(hostile_base: str, path: str) -> None:
    page = httpx.get(hostile_base + path, headers=HTML)
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert '" onmouseover="alert(1)' not in page.text
    assert "<img src=x" not in page.text
    if path != "/":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text or "&#34; onmouseover=&#34;alert(1)" in page.text


def test_a_link_to_the_query_page_carries_its_query(base: str) -> None:
    query = 'SELECT ?label WHERE { igr:shtp rdfs:label ?label FILTER(lang(?label) = "vi") }'
    page = httpx.get(f"{base}/", params={"query": query})
    assert page.status_code == 200
    assert "igr:shtp rdfs:label ?label FILTER(lang(?label) = &#34;vi&#34;)" in page.text  # in the editor, escaped
    assert 'getElementById("query-form").requestSubmit()' in page.text  # and run when the page opens
    assert "requestSubmit()" not in httpx.get(f"{base}/").text


_HEADER_LINKS = ('href="/?lang={lang}"', 'href="/network?lang={lang}"', 'href="/ontology?lang={lang}"',
                 'href="/.well-known/void?lang={lang}"', 'href="/docs"', 'action="/search"')


@pytest.mark.parametrize("path", ["/", "/search?q=SHTP", "/id/c4ir-hcmc", "/concept/sector/semiconductors", "/ontology",
                                  "/.well-known/void", "/dump", "/graph/data/actors.ttl", "/network", "/network/ego/c4ir-hcmc"])
def test_every_page_has_the_header_and_the_language_switch(base: str, path: str) -> None:
    for lang, other, switch in (("vi", "en", "English"), ("en", "vi", "Tiếng Việt")):
        page = httpx.get(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}", headers=HTML, timeout=60)
        assert page.status_code == 200, page.text
        header = page.text[page.text.index("<header class=\"site\">"):page.text.index("</header>")]
        assert all(link.format(lang=lang) in header for link in _HEADER_LINKS), header
        assert f'lang={other}" hreflang="{other}">{switch}</a>' in header
        assert_offline(page.text)


def test_accept_language_chooses_when_lang_is_absent_and_a_bad_lang_is_told(base: str) -> None:
    english = httpx.get(f"{base}/id/c4ir-hcmc", headers={**HTML, "Accept-Language": "en-GB,en;q=0.9,vi;q=0.5"})
    assert '<html lang="en">' in english.text and "<h1>Centre for the Fourth Industrial Revolution Ho Chi Minh City</h1>" in english.text
    vietnamese = httpx.get(f"{base}/id/c4ir-hcmc", headers={**HTML, "Accept-Language": "fr, vi;q=0.8, en;q=0.7"})
    assert '<html lang="vi">' in vietnamese.text
    assert '<html lang="vi">' in httpx.get(f"{base}/id/c4ir-hcmc", headers={**HTML, "Accept-Language": "fr"}).text
    assert '<html lang="en">' in httpx.get(f"{base}/id/c4ir-hcmc?lang=en", headers={**HTML, "Accept-Language": "vi"}).text
    refused = httpx.get(f"{base}/id/c4ir-hcmc?lang=fr", headers=HTML)
    assert refused.status_code == 400 and "lang=vi (Tiếng Việt) or lang=en (English)" in refused.text


def test_the_api_page_opens_offline(base: str) -> None:
    page = httpx.get(f"{base}/docs", timeout=30)
    assert page.status_code == 200 and "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text.split("<body>")[0]
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert httpx.get(f"{base}/static/swagger-ui/{asset}", timeout=30).status_code == 200
    assert httpx.get(f"{base}/openapi.json", timeout=30).json()["info"]["title"] == "innograph"


def test_quotes_name_their_source_by_title_publisher_and_date(base: str) -> None:
    """Wherever a quote is shown the source is its title, publisher and date, linked to its URL where known:
    on entity pages (its evidence and what refers to it) and on the network page (tooltips, and the source
    filter, which offers every source document)."""
    page = httpx.get(f"{base}/id/shtp-board?lang=vi", headers=HTML).text
    assert "19,2 tỷ USD/20 tỷ USD giá trị sản xuất của Khu Công nghệ cao TP.HCM năm 2024 là do xuất khẩu — VnEconomy, 28/12/2024</cite>" in page
    english = httpx.get(f"{base}/id/shtp-board?lang=en", headers=HTML).text
    assert "19.2 of the 20 billion USD produced in the HCMC Hi-Tech Park in 2024 came from exports — VnEconomy, 2024-12-28" in english
    assert not re.search(r">\d{3}_[0-9a-f]{16}\.txt<", page + english)  # a file name is never the text shown

    network = httpx.get(f"{base}/network?lang=vi", headers=HTML, timeout=60).text
    options = re.findall(r'<option value="(\d{3}_[0-9a-f]{16}\.txt)"[^>]*>([^<]*)</option>', network)
    documents = _count_documents(base)
    assert len(options) == documents and all(not name.endswith(".txt") for _, name in options)
    assert ("000_d8733fc31d127914.txt", "19,2 tỷ USD/20 tỷ USD giá trị sản xuất của Khu Công nghệ cao TP.HCM năm 2024 là do xuất khẩu — VnEconomy, 28/12/2024") in options
    assert "— VnEconomy, 28/12/2024" in network  # in the tooltips' data too
    filtered = httpx.get(f"{base}/network", params={"lang": "en", "source": "000_d8733fc31d127914.txt"}, headers=HTML, timeout=60).text
    assert "19.2 of the 20 billion USD produced in the HCMC Hi-Tech Park in 2024 came from exports — VnEconomy, 2024-12-28" in filtered


def _count_documents(base: str) -> int:
    query = "SELECT (COUNT(DISTINCT ?doc) AS ?n) WHERE { ?doc dcterms:identifier ?file ; ig:sha256 ?text }"
    return int(httpx.get(f"{base}/sparql", params={"query": query}, headers={"Accept": "text/csv"}).text.split()[1])


def test_the_home_page_leads_to_the_network_and_the_briefs(base: str) -> None:
    page = httpx.get(f"{base}/?lang=en", headers=HTML).text
    section = page[page.index('<h2 id="network">'):page.index('<h2 id="examples">')]
    assert 'href="/network?lang=en"' in section
    briefs = re.findall(r'href="(/briefs/[^"?]+)\?lang=en"', section)
    assert len(briefs) == 8 and "/briefs/c4ir-hcmc" in briefs
    assert httpx.get(f"{base}{briefs[0]}?lang=en", timeout=60).status_code == 200
