//! One answer, two formats: an Open311 document is built once as a [`Node`] tree and written
//! as XML (the standard's required format) or JSON (its "Spark convention": list wrappers
//! become bare arrays, empty elements `null`, ids and codes strings).

use std::fmt::Write;

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text; None is an empty element in XML and `null` in JSON.
    Text(Option<String>),
    Number(f64),
    Int(i64),
    Bool(bool),
    /// Named children, in order.
    Object(Vec<(&'static str, Node)>),
    /// Items, each an element named `item` in XML; an array in JSON.
    List {
        item: &'static str,
        items: Vec<Node>,
    },
}

impl Node {
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(Some(s.into()))
    }

    pub fn opt(s: Option<String>) -> Self {
        Self::Text(s)
    }
}

/// The document as XML, its root element named `root`.
pub fn to_xml(root: &'static str, node: &Node) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    element(&mut out, root, node);
    out.push('\n');
    out
}

fn element(out: &mut String, name: &str, node: &Node) {
    match node {
        Node::Text(None) => {
            let _ = write!(out, "<{name}/>");
        }
        Node::List { items, .. } if items.is_empty() => {
            let _ = write!(out, "<{name}/>");
        }
        _ => {
            let _ = write!(out, "<{name}>");
            content(out, node);
            let _ = write!(out, "</{name}>");
        }
    }
}

fn content(out: &mut String, node: &Node) {
    match node {
        Node::Text(None) => {}
        Node::Text(Some(s)) => escape(out, s),
        Node::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Node::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Object(fields) => {
            for (name, child) in fields {
                element(out, name, child);
            }
        }
        Node::List { item, items } => {
            for child in items {
                element(out, item, child);
            }
        }
    }
}

/// Text content, with what XML 1.0 cannot carry at all (control characters) left out.
fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

/// The document as JSON.
pub fn to_json(node: &Node) -> String {
    to_value(node).to_string()
}

fn to_value(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match node {
        Node::Text(None) => Value::Null,
        Node::Text(Some(s)) => Value::String(s.clone()),
        Node::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
        Node::Int(n) => Value::from(*n),
        Node::Bool(b) => Value::Bool(*b),
        Node::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_string(), to_value(v)))
                .collect(),
        ),
        Node::List { items, .. } => Value::Array(items.iter().map(to_value).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Node {
        Node::List {
            item: "request",
            items: vec![Node::Object(vec![
                ("service_request_id", Node::text("ABCD2345")),
                ("description", Node::text("<b>&\"'\u{1}巷口")),
                ("status_notes", Node::opt(None)),
                ("lat", Node::Number(33.1)),
                ("metadata", Node::Bool(false)),
                ("code", Node::Int(400)),
                (
                    "formats",
                    Node::List {
                        item: "format",
                        items: vec![Node::text("text/xml")],
                    },
                ),
            ])],
        }
    }

    #[test]
    fn xml_wraps_lists_in_their_item_elements_and_escapes() {
        assert_eq!(
            to_xml("service_requests", &sample()),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request>\
             <service_request_id>ABCD2345</service_request_id>\
             <description>&lt;b&gt;&amp;&quot;&apos;巷口</description><status_notes/>\
             <lat>33.1</lat><metadata>false</metadata><code>400</code>\
             <formats><format>text/xml</format></formats></request></service_requests>\n"
        );
        let empty = Node::List {
            item: "request",
            items: vec![],
        };
        assert!(to_xml("service_requests", &empty).ends_with("<service_requests/>\n"));
    }

    #[test]
    fn json_drops_the_wrappers_and_writes_null() {
        let v: serde_json::Value = serde_json::from_str(&to_json(&sample())).unwrap();
        assert_eq!(v[0]["service_request_id"], "ABCD2345");
        assert!(v[0]["status_notes"].is_null());
        assert_eq!(v[0]["lat"], 33.1);
        assert_eq!(v[0]["formats"][0], "text/xml");
        assert_eq!(v[0]["description"], "<b>&\"'\u{1}巷口");
    }
}
