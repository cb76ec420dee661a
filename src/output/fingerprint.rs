//! The fingerprint of a page's values, hashed straight from the view (`assemble::views`) as
//! serde sees it, without building the templates' values.
//!
//! A warm rebuild reuses most of its 40,000 pages at 10,000 answers (`unchanged`): converting
//! each page's view to tera's values only to hash them and throw them away was a fifth of such a
//! rebuild. Tera's values are a function of the serde events of the view (tera builds them from
//! those events alone), so hashing the events, each tagged with its kind and every string and
//! sequence delimited, tells apart any two views that tera would see differently. A view with
//! a hash map (whose order varies from run to run) would only be templated again each time:
//! the views use ordered maps.

use serde::Serialize;
use serde::ser;
use xxhash_rust::xxh3::Xxh3Default;

use super::unchanged::Fingerprint;

/// The fingerprint of a page: its template and the values it sees under `name`.
pub fn of(template: &str, name: &str, value: &impl Serialize) -> Fingerprint {
    let mut hasher = Hashing {
        pending: Vec::with_capacity(PENDING),
        hasher: Xxh3Default::new(),
    };
    hasher.str(template);
    hasher.str(name);
    // The views' serializations do not fail; one that did is hashed up to there with a mark,
    // unlike any complete value (and tera would fail on it when templating).
    if value.serialize(&mut hasher).is_err() {
        hasher.tag(Tag::Failed);
    }
    hasher.flush();
    hasher.hasher.digest128()
}

/// Bytes gathered before they are hashed: a view is thousands of small pieces (tags, lengths,
/// short strings), which the hasher takes faster in one piece.
const PENDING: usize = 4096;

/// One byte before each serde event, so that no two event streams hash alike by accident.
#[derive(Clone, Copy)]
enum Tag {
    Bool = 1,
    I64,
    U64,
    I128,
    U128,
    F64,
    Char,
    Str,
    Bytes,
    None,
    Some,
    Unit,
    UnitStruct,
    UnitVariant,
    NewtypeStruct,
    NewtypeVariant,
    Seq,
    Tuple,
    TupleStruct,
    TupleVariant,
    Map,
    Struct,
    StructVariant,
    /// The end of a sequence, tuple, map or struct.
    End,
    /// A struct field left out (`skip_serializing_if`).
    Skipped,
    Failed,
}

struct Hashing {
    pending: Vec<u8>,
    hasher: Xxh3Default,
}

impl Hashing {
    fn update(&mut self, bytes: &[u8]) {
        if self.pending.len() + bytes.len() > PENDING {
            self.flush();
            if bytes.len() > PENDING {
                self.hasher.update(bytes);
                return;
            }
        }
        self.pending.extend_from_slice(bytes);
    }

    fn flush(&mut self) {
        self.hasher.update(&self.pending);
        self.pending.clear();
    }

    fn tag(&mut self, tag: Tag) {
        self.update(&[tag as u8]);
    }

    fn str(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.update(&(bytes.len() as u64).to_le_bytes());
        self.update(bytes);
    }

    fn name(&mut self, tag: Tag, name: &str) {
        self.tag(tag);
        self.str(name);
    }

    fn variant(&mut self, tag: Tag, name: &str, index: u32, variant: &str) {
        self.name(tag, name);
        self.update(&index.to_le_bytes());
        self.str(variant);
    }
}

/// Hashing never fails; serde needs an error type all the same.
#[derive(Debug)]
struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a value that cannot be serialized")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Never
    }
}

type Done = Result<(), Never>;

impl ser::Serializer for &mut Hashing {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Done {
        self.tag(Tag::Bool);
        self.update(&[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.tag(Tag::I64);
        self.update(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Done {
        self.tag(Tag::I128);
        self.update(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.tag(Tag::U64);
        self.update(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Done {
        self.tag(Tag::U128);
        self.update(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.tag(Tag::F64);
        self.update(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.tag(Tag::Char);
        self.update(&u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Done {
        self.name(Tag::Str, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.tag(Tag::Bytes);
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Done {
        self.tag(Tag::None);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Done {
        self.tag(Tag::Some);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.tag(Tag::Unit);
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Done {
        self.name(Tag::UnitStruct, name);
        Ok(())
    }
    fn serialize_unit_variant(self, name: &'static str, index: u32, variant: &'static str) -> Done {
        self.variant(Tag::UnitVariant, name, index, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Done {
        self.name(Tag::NewtypeStruct, name);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.variant(Tag::NewtypeVariant, name, index, variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(Tag::Seq);
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        self.tag(Tag::Tuple);
        Ok(self)
    }
    fn serialize_tuple_struct(self, name: &'static str, _: usize) -> Result<Self, Never> {
        self.name(Tag::TupleStruct, name);
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.variant(Tag::TupleVariant, name, index, variant);
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(Tag::Map);
        Ok(self)
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Self, Never> {
        self.name(Tag::Struct, name);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.variant(Tag::StructVariant, name, index, variant);
        Ok(self)
    }
}

/// Elements are self-delimiting (tagged, strings with their length): an end tag closes a
/// sequence unambiguously.
impl ser::SerializeSeq for &mut Hashing {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(Tag::End);
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Hashing {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(Tag::End);
        Ok(())
    }
}

impl ser::SerializeTupleStruct for &mut Hashing {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(Tag::End);
        Ok(())
    }
}

impl ser::SerializeTupleVariant for &mut Hashing {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(Tag::End);
        Ok(())
    }
}

impl ser::SerializeMap for &mut Hashing {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Done {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(Tag::End);
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Hashing {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Done {
        self.str(key);
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, key: &'static str) -> Done {
        self.name(Tag::Skipped, key);
        Ok(())
    }
    fn end(self) -> Done {
        self.tag(Tag::End);
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Hashing {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Done {
        self.str(key);
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, key: &'static str) -> Done {
        self.name(Tag::Skipped, key);
        Ok(())
    }
    fn end(self) -> Done {
        self.tag(Tag::End);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_apart_what_renders_differently() {
        let f = |json: serde_json::Value| of("article.html", "article", &json);
        let a = f(serde_json::json!({ "title": "开户", "steps": ["a,b"], "n": 1 }));
        // The same values: the same fingerprint, whatever order they were written in.
        assert_eq!(
            a,
            f(serde_json::json!({ "n": 1, "steps": ["a,b"], "title": "开户" }))
        );
        for other in [
            serde_json::json!({ "title": "开户", "steps": ["a", "b"], "n": 1 }),
            serde_json::json!({ "title": "开户", "steps": ["a,b"], "n": "1" }),
            serde_json::json!({ "title": "开户", "steps": ["a,b"], "n": 1.0 }),
            serde_json::json!({ "title": "开户 ", "steps": ["a,b"], "n": 1 }),
            serde_json::json!({ "title": "开户", "steps": ["a,b"], "n": 1, "x": null }),
            serde_json::json!({ "title": "开户", "steps": [["a,b"]], "n": 1 }),
            serde_json::json!({ "title": "开户", "steps": ["a,b", []], "n": 1 }),
        ] {
            assert_ne!(a, f(other.clone()), "{other}");
        }
        // Long values (hashed past the pending bytes) count to their last byte.
        let long = "答".repeat(3000);
        assert_ne!(
            f(serde_json::json!({ "html": long.clone() + "a" })),
            f(serde_json::json!({ "html": long + "b" }))
        );
        let v = serde_json::json!({ "title": "开户" });
        assert_ne!(
            of("article.html", "article", &v),
            of("present.html", "article", &v)
        );
        assert_ne!(
            of("article.html", "article", &v),
            of("article.html", "present", &v)
        );
    }

    #[test]
    fn options_and_skipped_fields_count() {
        #[derive(Serialize)]
        struct View {
            a: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            b: Option<String>,
        }
        let f = |a: Option<&str>, b: Option<&str>| {
            of(
                "t",
                "v",
                &View {
                    a: a.map(String::from),
                    b: b.map(String::from),
                },
            )
        };
        assert_ne!(f(None, None), f(Some(""), None));
        assert_ne!(f(None, Some("x")), f(Some("x"), None));
        assert_ne!(f(None, None), f(None, Some("")));
    }
}
