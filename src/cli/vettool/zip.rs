//! The smallest zip archive the go command reads: stored (uncompressed) entries, one
//! per fixed file, named by the file's path.
//!
//! Why: `go fix` (and `go vet -fix`) do not let the tool write source files. They pass
//! `FixArchive` in the config; the tool puts each fixed file's new content there, under
//! its name, and the go command writes them all once every package has been analyzed,
//! refusing two different contents for one file (`readZip` in cmd/go/internal/vet).
//! unitchecker writes that archive with archive/zip; Go's reader accepts the stored
//! method, and checks the CRC-32 of each entry it reads to the end.

/// A zip archive of `entries` (name, content), in the order given, with `comment`
/// (unitchecker puts the package ID there).
pub fn archive(entries: &[(String, Vec<u8>)], comment: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name = name.as_bytes();
        // Local file header.
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, 20); // version needed: 2.0
        put16(&mut out, FLAG_UTF8);
        put16(&mut out, 0); // stored
        put16(&mut out, 0); // time 00:00:00
        put16(&mut out, DATE_1980_01_01);
        put32(&mut out, crc);
        put32(&mut out, size);
        put32(&mut out, size);
        put16(&mut out, name.len() as u16);
        put16(&mut out, 0); // no extra field
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        // Its central directory record.
        put32(&mut central, 0x0201_4b50);
        put16(&mut central, 20); // made by 2.0
        put16(&mut central, 20);
        put16(&mut central, FLAG_UTF8);
        put16(&mut central, 0);
        put16(&mut central, 0);
        put16(&mut central, DATE_1980_01_01);
        put32(&mut central, crc);
        put32(&mut central, size);
        put32(&mut central, size);
        put16(&mut central, name.len() as u16);
        put16(&mut central, 0); // extra
        put16(&mut central, 0); // comment
        put16(&mut central, 0); // disk
        put16(&mut central, 0); // internal attributes
        put32(&mut central, 0); // external attributes
        put32(&mut central, offset);
        central.extend_from_slice(name);
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    let comment = &comment.as_bytes()[..comment.len().min(u16::MAX as usize)];
    // End of central directory.
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, entries.len() as u16);
    put16(&mut out, entries.len() as u16);
    put32(&mut out, central.len() as u32);
    put32(&mut out, central_offset);
    put16(&mut out, comment.len() as u16);
    out.extend_from_slice(comment);
    out
}

/// Bit 11: names are UTF-8.
const FLAG_UTF8: u16 = 0x0800;
/// MS-DOS date of 1980-01-01, the earliest a zip can say.
const DATE_1980_01_01: u16 = (1 << 5) | 1;

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// CRC-32 (IEEE 802.3, reflected), as zip and Go's hash/crc32 compute it.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn an_archive_ends_with_its_directory_and_comment() {
        let zip = archive(&[("/x/a.go".into(), b"package a\n".to_vec())], "a [a.test]");
        assert_eq!(&zip[..4], &[0x50, 0x4b, 0x03, 0x04]);
        assert!(zip.ends_with(b"a [a.test]"));
        // One local header (30 + name + data), one central record (46 + name), the end
        // record (22 + comment).
        assert_eq!(zip.len(), 30 + 7 + 10 + 46 + 7 + 22 + 10);
    }
}
