//! Cloudinary as the media store's public side, when `CLOUDINARY_URL` is set: each
//! picture's public master goes up through the signed Upload API, is withdrawn through
//! the signed Destroy API (with the CDN's copies invalidated), and is delivered by URLs
//! that ask Cloudinary for a width in the best format and quality for the browser.

use sha1::{Digest, Sha1};
use std::time::Duration;

#[derive(Clone)]
pub struct Cloudinary {
    cloud_name: String,
    api_key: String,
    api_secret: String,
    /// Where the API is: Cloudinary's own unless the URL names another (a regional API,
    /// or the tests' local server), as Cloudinary's SDKs read it.
    upload_prefix: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for Cloudinary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret stays out of logs.
        f.debug_struct("Cloudinary")
            .field("cloud_name", &self.cloud_name)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudinaryError {
    #[error("CLOUDINARY_URL must look like cloudinary://API_KEY:API_SECRET@CLOUD_NAME")]
    BadUrl,
    /// Cloudinary answered and refused; trying again would not help.
    #[error("Cloudinary refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
    /// Cloudinary could not be reached, or failed on its side each time we tried.
    #[error("Cloudinary is unavailable: {0}")]
    Unavailable(String),
}

/// How often a request Cloudinary failed on its side is sent, in all.
const ATTEMPTS: u32 = 3;

/// The signature Cloudinary expects: every signed parameter as `name=value`, sorted by
/// name and joined by `&`, then the API secret, through SHA-1, in hex.
pub fn signature(params: &[(&str, String)], api_secret: &str) -> String {
    let mut sorted: Vec<&(&str, String)> = params.iter().filter(|(_, v)| !v.is_empty()).collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let joined = sorted
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    crate::backend::hex::hex(&Sha1::digest(format!("{joined}{api_secret}").as_bytes()))
}

impl Cloudinary {
    pub fn from_url(url: &str) -> Result<Self, CloudinaryError> {
        let rest = url
            .strip_prefix("cloudinary://")
            .ok_or(CloudinaryError::BadUrl)?;
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (credentials, cloud_name) = rest.rsplit_once('@').ok_or(CloudinaryError::BadUrl)?;
        let (api_key, api_secret) = credentials.split_once(':').ok_or(CloudinaryError::BadUrl)?;
        if [cloud_name, api_key, api_secret]
            .iter()
            .any(|part| part.is_empty())
        {
            return Err(CloudinaryError::BadUrl);
        }
        let upload_prefix = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "upload_prefix")
            .map(|(_, v)| v.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| "https://api.cloudinary.com".to_owned());
        Ok(Cloudinary {
            cloud_name: cloud_name.to_owned(),
            api_key: api_key.to_owned(),
            api_secret: api_secret.to_owned(),
            upload_prefix,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .map_err(|e| CloudinaryError::Unavailable(e.to_string()))?,
        })
    }

    /// The public id a file is kept under: its content hash, in Lumen's folder.
    pub fn public_id(content_hash: &str) -> String {
        format!("lumen/{content_hash}")
    }

    /// Where browsers fetch `public_id` at `width` pixels wide, in the format and quality
    /// Cloudinary judges best for each browser.
    pub fn delivery_url(&self, public_id: &str, width: u32) -> String {
        format!(
            "https://res.cloudinary.com/{}/image/upload/f_auto,q_auto,w_{width}/{public_id}",
            self.cloud_name
        )
    }

    fn endpoint(&self, action: &str) -> String {
        format!(
            "{}/v1_1/{}/image/{action}",
            self.upload_prefix, self.cloud_name
        )
    }

    fn signed(
        &self,
        mut params: Vec<(&'static str, String)>,
        timestamp: i64,
    ) -> Vec<(&'static str, String)> {
        params.push(("timestamp", timestamp.to_string()));
        let signature = signature(&params, &self.api_secret);
        params.push(("api_key", self.api_key.clone()));
        params.push(("signature", signature));
        params
    }

    /// Uploads `data` as `public_id` (replacing nothing: the id is the content's hash).
    pub async fn upload(
        &self,
        public_id: &str,
        data: &[u8],
        timestamp: i64,
    ) -> Result<(), CloudinaryError> {
        let params = self.signed(vec![("public_id", public_id.to_owned())], timestamp);
        self.send("upload", || {
            let mut form = reqwest::multipart::Form::new();
            for (name, value) in &params {
                form = form.text(*name, value.clone());
            }
            let file = reqwest::multipart::Part::bytes(data.to_vec())
                .file_name("picture.jpg")
                .mime_str("image/jpeg")
                .expect("a valid media type");
            form.part("file", file)
        })
        .await
    }

    /// Deletes `public_id` and has the CDN drop its cached copies, so a withdrawn picture
    /// stops being served everywhere. Deleting what is already gone is not an error.
    pub async fn destroy(&self, public_id: &str, timestamp: i64) -> Result<(), CloudinaryError> {
        let params = self.signed(
            vec![
                ("public_id", public_id.to_owned()),
                ("invalidate", "true".to_owned()),
            ],
            timestamp,
        );
        self.send("destroy", || {
            params
                .iter()
                .fold(reqwest::multipart::Form::new(), |form, (name, value)| {
                    form.text(*name, value.clone())
                })
        })
        .await
    }

    /// Sends the form `make` builds, again after a pause when Cloudinary fails on its
    /// side or cannot be reached; a refusal (4xx) is final.
    async fn send(
        &self,
        action: &str,
        make: impl Fn() -> reqwest::multipart::Form,
    ) -> Result<(), CloudinaryError> {
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(250 << attempt)).await;
            }
            match self
                .http
                .post(self.endpoint(action))
                .multipart(make())
                .send()
                .await
            {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(response) if response.status().is_server_error() => {
                    last = format!("{} from {action}", response.status());
                    tracing::warn!(
                        action,
                        status = response.status().as_u16(),
                        attempt,
                        "Cloudinary failed; trying again"
                    );
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let body: serde_json::Value = response.json().await.unwrap_or_default();
                    let message = body["error"]["message"]
                        .as_str()
                        .unwrap_or("no reason given")
                        .to_owned();
                    return Err(CloudinaryError::Refused { status, message });
                }
                Err(error) => {
                    last = error.to_string();
                    tracing::warn!(action, %error, attempt, "Cloudinary unreachable; trying again");
                }
            }
        }
        Err(CloudinaryError::Unavailable(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_cloudinarys_documented_example() {
        // Cloudinary's documentation signs these parameters with the secret "abcd".
        let params = [
            ("eager", "w_400,h_300,c_pad|w_260,h_200,c_crop".to_owned()),
            ("public_id", "sample_image".to_owned()),
            ("timestamp", "1315060510".to_owned()),
        ];
        assert_eq!(
            signature(&params, "abcd"),
            "bfd09f95f331f558cbd1320e67aa8d488770583e"
        );
    }

    #[test]
    fn the_url_gives_key_secret_cloud_and_optionally_where_the_api_is() {
        let c = Cloudinary::from_url("cloudinary://123:s3cr3t@demo-clinic").unwrap();
        assert_eq!(
            c.endpoint("upload"),
            "https://api.cloudinary.com/v1_1/demo-clinic/image/upload"
        );
        assert_eq!(
            c.delivery_url("lumen/ab12", 640),
            "https://res.cloudinary.com/demo-clinic/image/upload/f_auto,q_auto,w_640/lumen/ab12"
        );
        let local =
            Cloudinary::from_url("cloudinary://1:2@c?upload_prefix=http://127.0.0.1:9/").unwrap();
        assert_eq!(
            local.endpoint("destroy"),
            "http://127.0.0.1:9/v1_1/c/image/destroy"
        );
        assert!(
            !format!("{local:?}").contains('2'),
            "the secret reached a log"
        );
        for bad in [
            "https://x",
            "cloudinary://key@cloud",
            "cloudinary://:s@c",
            "cloudinary://k:s@",
        ] {
            assert_eq!(
                Cloudinary::from_url(bad).err(),
                Some(CloudinaryError::BadUrl),
                "{bad}"
            );
        }
    }
}
