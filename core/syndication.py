"""RSS 2.0 and Atom 1.0 written as one string: Django's `Rss201rev2Feed` and `Atom1Feed` with a
`write()` that builds the document it writes from the feed's and items' dicts, instead of one
SAX call per element, attribute and text (some 1,500 for a feed of 50 items: most of a
feed's time once its items are read).

The document is the one Django's `write()` gives, byte for byte (tests/test_feeds.py compares
them), with one difference: characters that XML 1.0 does not allow (the C0 controls but tab,
newline and carriage return; lone surrogates; U+FFFE and U+FFFF) are left out of every text and
attribute, where Django's writer raises `UnserializableContentError` (a 500 for a title pasted
with a stray control character).

Only public API is read: a `SyndicationFeed`'s `feed` and `items` dicts as `__init__()` and
`add_item()` make them, `root_attributes()`, `item_attributes()` and `latest_post_date()`.
Elements that a subclass adds through the SAX hooks (`add_root_elements()`,
`add_item_elements()`) are not written: subclass Django's feeds for that. `write()` writes
one str to `outfile`: a text file, or the HttpResponse that the syndication view passes (which
encodes it in its charset, utf-8 for a feed)."""

import re
from xml.sax.saxutils import escape, quoteattr

from django.utils import feedgenerator
from django.utils.feedgenerator import get_tag_uri, rfc2822_date, rfc3339_date

# Not a Char of XML 1.0 (https://www.w3.org/TR/xml/#charsets).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_document(parts):
    """The document made of `parts`, without the characters XML does not allow: one pass over
    the whole rather than one for each text (the markup written here has none)."""
    return NOT_XML.sub("", "".join(parts))


def xml_attributes(attributes):
    """` name="value"…`, sorted by name as Django's SimplerXMLGenerator writes them."""
    return "".join(f" {name}={quoteattr(value)}" for name, value in sorted(attributes.items()))


def element(name, text=None, attributes=None):
    """An element without children, as SimplerXMLGenerator.addQuickElement() writes it: empty
    (`<name/>`) when it has no text."""
    opening = name + xml_attributes(attributes) if attributes else name
    if not text:
        return f"<{opening}/>"
    return f"<{opening}>{escape(text)}</{name}>"


def _start(name, attributes):
    return f"<{name}{xml_attributes(attributes)}>" if attributes else f"<{name}>"


def _prologue(feed, encoding):
    parts = [f'<?xml version="1.0" encoding="{encoding}"?>\n']
    for stylesheet in feed["stylesheets"] or ():
        parts.append(f"<?xml-stylesheet {stylesheet}?>")
    return parts


class Rss201rev2Feed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0, written as a string (module docstring)."""

    def write(self, outfile, encoding):
        feed = self.feed
        parts = _prologue(feed, encoding)
        parts.append(_start("rss", self.rss_attributes()))
        parts.append(_start("channel", self.root_attributes()))
        parts.append(element("title", feed["title"]))
        parts.append(element("link", feed["link"]))
        parts.append(element("description", feed["description"]))
        if feed["feed_url"] is not None:
            parts.append(element("atom:link", None, {"rel": "self", "href": feed["feed_url"]}))
        if feed["language"] is not None:
            parts.append(element("language", feed["language"]))
        parts.extend(element("category", category) for category in feed["categories"])
        if feed["feed_copyright"] is not None:
            parts.append(element("copyright", feed["feed_copyright"]))
        parts.append(element("lastBuildDate", rfc2822_date(self.latest_post_date())))
        if feed["ttl"] is not None:
            parts.append(element("ttl", feed["ttl"]))
        for item in self.items:
            parts.append(_start("item", self.item_attributes(item)))
            self._item(parts, item)
            parts.append("</item>")
        parts.append("</channel></rss>")
        outfile.write(xml_document(parts))

    def _item(self, parts, item):
        parts.append(element("title", item["title"]))
        parts.append(element("link", item["link"]))
        if item["description"] is not None:
            parts.append(element("description", item["description"]))
        author_name, author_email = item["author_name"], item["author_email"]
        if author_name and author_email:
            parts.append(element("author", f"{author_email} ({author_name})"))
        elif author_email:
            parts.append(element("author", author_email))
        elif author_name:
            parts.append(
                element("dc:creator", author_name, {"xmlns:dc": "http://purl.org/dc/elements/1.1/"})
            )
        if item["pubdate"] is not None:
            parts.append(element("pubDate", rfc2822_date(item["pubdate"])))
        if item["comments"] is not None:
            parts.append(element("comments", item["comments"]))
        if item["unique_id"] is not None:
            permalink = item.get("unique_id_is_permalink")
            attributes = (
                {"isPermaLink": str(permalink).lower()} if isinstance(permalink, bool) else None
            )
            parts.append(element("guid", item["unique_id"], attributes))
        if item["ttl"] is not None:
            parts.append(element("ttl", item["ttl"]))
        if item["enclosures"]:
            enclosures = list(item["enclosures"])
            if len(enclosures) > 1:
                raise ValueError(
                    "RSS feed items may only have one enclosure, see "
                    "http://www.rssboard.org/rss-profile#element-channel-item-enclosure"
                )
            enclosure = enclosures[0]
            parts.append(
                element(
                    "enclosure",
                    "",
                    {"url": enclosure.url, "length": enclosure.length, "type": enclosure.mime_type},
                )
            )
        parts.extend(element("category", category) for category in item["categories"])


class Atom1Feed(feedgenerator.Atom1Feed):
    """Atom 1.0, written as a string (module docstring)."""

    def write(self, outfile, encoding):
        feed = self.feed
        parts = [f'<?xml version="1.0" encoding="{encoding}"?>\n']
        parts.append(_start("feed", self.root_attributes()))
        parts.append(element("title", feed["title"]))
        parts.append(element("link", "", {"rel": "alternate", "href": feed["link"]}))
        if feed["feed_url"] is not None:
            parts.append(element("link", "", {"rel": "self", "href": feed["feed_url"]}))
        parts.append(element("id", feed["id"]))
        parts.append(element("updated", rfc3339_date(self.latest_post_date())))
        if feed["author_name"] is not None:
            parts.append("<author>")
            parts.append(element("name", feed["author_name"]))
            if feed["author_email"] is not None:
                parts.append(element("email", feed["author_email"]))
            if feed["author_link"] is not None:
                parts.append(element("uri", feed["author_link"]))
            parts.append("</author>")
        if feed["subtitle"] is not None:
            parts.append(element("subtitle", feed["subtitle"]))
        parts.extend(element("category", "", {"term": category}) for category in feed["categories"])
        if feed["feed_copyright"] is not None:
            parts.append(element("rights", feed["feed_copyright"]))
        for item in self.items:
            parts.append(_start("entry", self.item_attributes(item)))
            self._item(parts, item)
            parts.append("</entry>")
        parts.append("</feed>")
        outfile.write(xml_document(parts))

    def _item(self, parts, item):
        parts.append(element("title", item["title"]))
        parts.append(element("link", "", {"href": item["link"], "rel": "alternate"}))
        if item["pubdate"] is not None:
            parts.append(element("published", rfc3339_date(item["pubdate"])))
        if item["updateddate"] is not None:
            parts.append(element("updated", rfc3339_date(item["updateddate"])))
        if item["author_name"] is not None:
            parts.append("<author>")
            parts.append(element("name", item["author_name"]))
            if item["author_email"] is not None:
                parts.append(element("email", item["author_email"]))
            if item["author_link"] is not None:
                parts.append(element("uri", item["author_link"]))
            parts.append("</author>")
        unique_id = item["unique_id"]
        if unique_id is None:
            unique_id = get_tag_uri(item["link"], item["pubdate"])
        parts.append(element("id", unique_id))
        if item["description"] is not None:
            parts.append(element("summary", item["description"], {"type": "html"}))
        for enclosure in item["enclosures"]:
            parts.append(
                element(
                    "link",
                    "",
                    {
                        "rel": "enclosure",
                        "href": enclosure.url,
                        "length": enclosure.length,
                        "type": enclosure.mime_type,
                    },
                )
            )
        parts.extend(element("category", "", {"term": category}) for category in item["categories"])
        if item["item_copyright"] is not None:
            parts.append(element("rights", item["item_copyright"]))
