//! Photos kept with records: an issue's report and resolution, a partner's activity, a
//! corridor's inspection, an article. Each module keeps its own table; this is what they share.

use crate::Value;

/// A photo already checked and re-encoded (no EXIF) as a JPEG by the caller.
#[derive(Debug, Clone)]
pub struct Photo {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl Photo {
    /// Its width, height and bytes as statement parameters, in that order.
    pub(crate) fn params(self) -> [Value; 3] {
        [i64::from(self.width).into(), i64::from(self.height).into(), Value::Blob(self.bytes)]
    }
}
