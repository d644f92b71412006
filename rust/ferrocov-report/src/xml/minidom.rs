//! Writing XML the way `xml.dom.minidom`'s `toprettyxml()` does, which is
//! how coverage.py serializes its report: a tab per level, one element
//! per line, `<x/>` for an element without children, an element holding
//! only text on one line, and minidom's own escaping. The events go
//! through quick-xml; the indentation and the escaping are ours, because
//! they must be minidom's and not quick-xml's.

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::Writer;

use crate::error::ReportError;

/// Which minidom escapes text: the Python version the report is made for
/// decides (3.13 changed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EscapeStyle {
    /// Python up to 3.12: `&`, `<`, `"` and `>` escaped everywhere.
    #[default]
    Legacy,
    /// Python 3.13 and later: text escapes `&`, `<`, `>`; attribute values
    /// also `"`, and CR, LF and TAB as character references.
    Python313,
}

impl EscapeStyle {
    fn escape<'a>(self, text: &'a str, in_attribute: bool) -> Cow<'a, str> {
        let replacement = |ch: char| -> Option<&'static str> {
            match (ch, self, in_attribute) {
                ('&', _, _) => Some("&amp;"),
                ('<', _, _) => Some("&lt;"),
                ('>', _, _) => Some("&gt;"),
                ('"', EscapeStyle::Legacy, _) | ('"', EscapeStyle::Python313, true) => Some("&quot;"),
                ('\r', EscapeStyle::Python313, true) => Some("&#13;"),
                ('\n', EscapeStyle::Python313, true) => Some("&#10;"),
                ('\t', EscapeStyle::Python313, true) => Some("&#9;"),
                _ => None,
            }
        };
        if !text.chars().any(|ch| replacement(ch).is_some()) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 16);
        for ch in text.chars() {
            match replacement(ch) {
                Some(entity) => out.push_str(entity),
                None => out.push(ch),
            }
        }
        Cow::Owned(out)
    }
}

/// A document being written, minidom style.
pub(crate) struct PrettyWriter {
    writer: Writer<Vec<u8>>,
    escape: EscapeStyle,
}

fn write_failed(err: &std::io::Error) -> ReportError {
    ReportError::XmlWrite(err.to_string())
}

impl PrettyWriter {
    /// A document started with minidom's declaration, `<?xml version="1.0" ?>`.
    pub(crate) fn new(escape: EscapeStyle) -> Result<Self, ReportError> {
        let mut doc = PrettyWriter { writer: Writer::new(Vec::with_capacity(64 * 1024)), escape };
        // minidom puts a space before "?>"; quick-xml writes the content as is.
        let declaration = BytesDecl::from_start(BytesStart::from_content("xml version=\"1.0\" ", 3));
        doc.event(Event::Decl(declaration))?;
        doc.newline()?;
        Ok(doc)
    }

    fn event(&mut self, event: Event<'_>) -> Result<(), ReportError> {
        self.writer.write_event(event).map_err(|e| write_failed(&e))
    }

    fn raw(&mut self, text: &str) -> Result<(), ReportError> {
        self.event(Event::Text(BytesText::from_escaped(text)))
    }

    fn indent(&mut self, depth: usize) -> Result<(), ReportError> {
        self.raw(&"\t".repeat(depth))
    }

    fn newline(&mut self) -> Result<(), ReportError> {
        self.raw("\n")
    }

    fn start_tag<'a>(&self, name: &'a str, attributes: &[(&'a str, &str)]) -> BytesStart<'a> {
        let mut start = BytesStart::new(name);
        for &(key, value) in attributes {
            // An `Attribute` value is written as given: escaped here.
            let value = Cow::Owned(self.escape.escape(value, true).into_owned());
            start.push_attribute(Attribute { key: QName(key), value });
        }
        start
    }

    /// `<name attr="..">` on a line of its own, children to follow.
    pub(crate) fn open(&mut self, depth: usize, name: &str, attributes: &[(&str, &str)]) -> Result<(), ReportError> {
        self.indent(depth)?;
        let start = self.start_tag(name, attributes);
        self.event(Event::Start(start))?;
        self.newline()
    }

    /// `</name>` closing an element opened at `depth`.
    pub(crate) fn close(&mut self, depth: usize, name: &str) -> Result<(), ReportError> {
        self.indent(depth)?;
        self.event(Event::End(BytesEnd::new(name)))?;
        self.newline()
    }

    /// `<name attr=".."/>`: an element without children.
    pub(crate) fn empty(&mut self, depth: usize, name: &str, attributes: &[(&str, &str)]) -> Result<(), ReportError> {
        self.indent(depth)?;
        let start = self.start_tag(name, attributes);
        self.event(Event::Empty(start))?;
        self.newline()
    }

    /// `<name>text</name>`: an element whose one child is a text node
    /// (written even when the text is empty, as minidom does).
    pub(crate) fn text_element(&mut self, depth: usize, name: &str, text: &str) -> Result<(), ReportError> {
        self.indent(depth)?;
        self.event(Event::Start(BytesStart::new(name)))?;
        let escaped = self.escape.escape(text, false).into_owned();
        self.raw(&escaped)?;
        self.event(Event::End(BytesEnd::new(name)))?;
        self.newline()
    }

    /// `<!--text-->` on a line of its own.
    pub(crate) fn comment(&mut self, depth: usize, text: &str) -> Result<(), ReportError> {
        self.indent(depth)?;
        self.event(Event::Comment(BytesText::from_escaped(text)))?;
        self.newline()
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.writer.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(escape: EscapeStyle, body: impl FnOnce(&mut PrettyWriter) -> Result<(), ReportError>) -> String {
        let mut doc = PrettyWriter::new(escape).unwrap();
        body(&mut doc).unwrap();
        String::from_utf8(doc.finish()).unwrap()
    }

    #[test]
    fn layout_is_minidoms() {
        let text = written(EscapeStyle::Legacy, |doc| {
            doc.open(0, "a", &[("x", "1"), ("y", "2")])?;
            doc.comment(1, " note ")?;
            doc.empty(1, "b", &[])?;
            doc.text_element(1, "c", "t")?;
            doc.text_element(1, "d", "")?;
            doc.close(0, "a")
        });
        assert_eq!(
            text,
            "<?xml version=\"1.0\" ?>\n<a x=\"1\" y=\"2\">\n\t<!-- note -->\n\t<b/>\n\t<c>t</c>\n\t<d></d>\n</a>\n"
        );
    }

    #[test]
    fn escaping_follows_the_python_version() {
        let legacy = written(EscapeStyle::Legacy, |doc| {
            doc.empty(0, "e", &[("n", "a&b<c>\"d'\t")])?;
            doc.text_element(0, "t", "a&b<c>\"d'")
        });
        assert!(legacy.contains("<e n=\"a&amp;b&lt;c&gt;&quot;d'\t\"/>"), "{legacy}");
        assert!(legacy.contains("<t>a&amp;b&lt;c&gt;&quot;d'</t>"), "{legacy}");
        let new = written(EscapeStyle::Python313, |doc| {
            doc.empty(0, "e", &[("n", "a&\"\t\r\n")])?;
            doc.text_element(0, "t", "a&b<c>\"d'")
        });
        assert!(new.contains("<e n=\"a&amp;&quot;&#9;&#13;&#10;\"/>"), "{new}");
        assert!(new.contains("<t>a&amp;b&lt;c&gt;\"d'</t>"), "{new}");
    }
}
