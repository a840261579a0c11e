//! Server functions of the gallery's staff screens. Each starts with the authorization
//! check; each change is audited by the store in the change's own transaction. Public
//! files are withdrawn or remade after the change has committed.

use super::types::{AdminGallery, CaseEditor};
use crate::catalog::types::ClinicInfo;
use crate::domain::gallery_forms::{CaseForm, CollectionForm, ConsentForm};
use crate::error::AppError;
use crate::gallery::types::CaseDetail;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use crate::{
    backend::audit,
    backend::auth::principal::require,
    backend::store::gallery_admin::{self, Level, PictureChange},
    backend::{state::app_state, store},
    domain::access::Action,
    ui::status::answer,
};

#[server(endpoint = "admin/gallery")]
pub async fn fetch_gallery_admin() -> Result<Vec<AdminGallery>, AppError> {
    require(Action::ManageGallery).await?;
    let state = app_state()?;
    answer(gallery_admin::tree(&state.pool, state.clinic_id, state.clock.now().date_naive()).await)
}

#[server(endpoint = "admin/save_collection")]
pub async fn save_collection(#[server(default)] form: CollectionForm) -> Result<(), AppError> {
    let me = require(Action::ManageGallery).await?;
    let draft = answer(form.parse().map_err(AppError::Rejected))?;
    let state = app_state()?;
    let id =
        answer(gallery_admin::save_collection(&state.pool, state.clinic_id, &draft, &me).await)?;
    leptos_axum::redirect(&format!("/admin/gallery?saved={id}"));
    Ok(())
}

/// Moves a gallery, album or case one place `up` or `down`.
#[server(endpoint = "admin/move_gallery_item")]
pub async fn move_gallery_item(
    level: String,
    id: String,
    direction: String,
) -> Result<(), AppError> {
    let me = require(Action::ManageGallery).await?;
    let state = app_state()?;
    answer(
        async {
            let id = AppError::record_id(&id)?;
            let level = Level::parse(&level).ok_or(AppError::NotFound)?;
            let up = match direction.as_str() {
                "up" => true,
                "down" => false,
                _ => return Err(AppError::Invalid("Move it up or down.".to_owned())),
            };
            gallery_admin::move_one(&state.pool, state.clinic_id, level, id, up, &me).await
        }
        .await,
    )?;
    leptos_axum::redirect("/admin/gallery");
    Ok(())
}

/// Case `id`'s editor, or a blank one (in `album`, when given) when `id` is `new`.
#[server(endpoint = "admin/case")]
pub async fn fetch_case_editor(id: String, album: Option<String>) -> Result<CaseEditor, AppError> {
    let me = require(Action::ManageGallery).await?;
    let state = app_state()?;
    answer(
        async {
            let id = AppError::record_id_or_new(&id)?;
            if let Some(id) = id {
                // The consent record points at a patient's signed form.
                audit::record_for_request(Some(&me), "read", "case", Some(id)).await?;
            }
            let album = album.and_then(|a| a.parse().ok());
            gallery_admin::case_editor(
                &state.pool,
                &state.media,
                state.clinic_id,
                id,
                album,
                state.clock.now().date_naive(),
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "admin/save_case")]
pub async fn save_case(#[server(default)] form: CaseForm) -> Result<(), AppError> {
    let me = require(Action::ManageGallery).await?;
    let draft = answer(form.parse().map_err(AppError::Rejected))?;
    let state = app_state()?;
    let id = answer(gallery_admin::save_case(&state.pool, state.clinic_id, &draft, &me).await)?;
    leptos_axum::redirect(&format!("/admin/gallery/cases/{id}?saved=details"));
    Ok(())
}

#[server(endpoint = "admin/record_consent")]
pub async fn record_consent(#[server(default)] form: ConsentForm) -> Result<(), AppError> {
    let me = require(Action::ManageGallery).await?;
    let state = app_state()?;
    let record = answer(
        form.parse(state.clock.now().date_naive())
            .map_err(AppError::Rejected),
    )?;
    let remake =
        answer(gallery_admin::record_consent(&state.pool, state.clinic_id, &record, &me).await)?;
    let jobs = state.jobs();
    for image in remake {
        jobs.make_sizes(image);
    }
    leptos_axum::redirect(&format!(
        "/admin/gallery/cases/{}?saved=consent",
        record.case_id
    ));
    Ok(())
}

/// The patient withdrew consent: the case leaves the site now, and its public files are
/// deleted (from Cloudinary's CDN too); the originals stay with the clinic's records.
#[server(endpoint = "admin/revoke_consent")]
pub async fn revoke_consent(case_id: String) -> Result<(), AppError> {
    let me = require(Action::ManageGallery).await?;
    let state = app_state()?;
    let id = answer(AppError::record_id(&case_id))?;
    let images =
        answer(gallery_admin::revoke_consent(&state.pool, state.clinic_id, id, &me).await)?;
    answer(
        state
            .jobs()
            .withdraw(&images, "withdrawn")
            .await
            .map_err(AppError::from),
    )?;
    leptos_axum::redirect(&format!("/admin/gallery/cases/{id}?saved=revoked"));
    Ok(())
}

#[server(endpoint = "admin/publish_case")]
pub async fn publish_case(case_id: String, publish: String) -> Result<(), AppError> {
    let me = require(Action::ManageGallery).await?;
    let state = app_state()?;
    let id = answer(AppError::record_id(&case_id))?;
    let publish = publish == "true";
    answer(
        gallery_admin::set_published(
            &state.pool,
            state.clinic_id,
            id,
            publish,
            state.clock.now().date_naive(),
            &me,
        )
        .await,
    )?;
    let said = if publish { "published" } else { "unpublished" };
    leptos_axum::redirect(&format!("/admin/gallery/cases/{id}?saved={said}"));
    Ok(())
}

/// What an upload of pictures came to: how many were added, and the first refusal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UploadOutcome {
    pub added: usize,
    pub problem: Option<crate::domain::upload::UploadProblem>,
}

/// Receives pictures for a case: a plain multipart form (several files at once without
/// JavaScript; one per request, with a progress bar, with it) with `case_id`, `kind`
/// ("before" or "after") and one or more `picture` files. Each is checked and decoded
/// here; its original is kept privately and its public sizes are made in the background.
#[server(input = MultipartFormData, endpoint = "admin/case_pictures")]
pub async fn upload_case_pictures(data: MultipartData) -> Result<UploadOutcome, AppError> {
    use crate::backend::integrations::media::{self, UploadProblem, MAX_UPLOAD_BYTES};
    let me = require(Action::ManageGallery).await?;
    let state = app_state()?;
    let mut fields = data.into_inner().ok_or(AppError::Unavailable)?;
    let unreadable = || AppError::Invalid("The upload didn't arrive whole. Try again.".to_owned());
    let (mut case_id, mut kind) = (String::new(), String::from("before"));
    let mut outcome = UploadOutcome {
        added: 0,
        problem: None,
    };
    while let Some(mut field) = fields.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("case_id") => case_id = field.text().await.map_err(|_| unreadable())?,
            Some("kind") => kind = field.text().await.map_err(|_| unreadable())?,
            Some("picture") => {
                let case = answer(AppError::record_id(&case_id))?;
                if kind != "before" && kind != "after" {
                    return answer(Err(AppError::Invalid(
                        "Say whether these are before or after pictures.".to_owned(),
                    )));
                }
                // Counted as it arrives: a huge upload is stopped, not held in memory.
                let mut bytes = Vec::new();
                let mut too_large = false;
                while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                    if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                        too_large = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                let decoded = if too_large {
                    Err(UploadProblem::TooLarge)
                } else if bytes.is_empty() && field.file_name().is_none_or(str::is_empty) {
                    continue; // the form's file box left empty
                } else {
                    // Decoded whole to prove it is a readable photo; only its size is kept
                    // (the job decodes the original again when its turn comes).
                    let (decoded, back) = tokio::task::spawn_blocking(move || {
                        let size = media::decode(&bytes).map(|i| (i.width(), i.height()));
                        (size, bytes)
                    })
                    .await
                    .map_err(|_| AppError::Unavailable)?;
                    bytes = back;
                    decoded
                };
                match decoded {
                    Ok(size) => {
                        let key = answer(state.media.files().keep_original(&bytes).await.map_err(
                            |error| {
                                tracing::error!(%error, "keeping an original failed");
                                AppError::Unavailable
                            },
                        ))?;
                        let added = gallery_admin::add_picture(
                            &state.pool,
                            state.clinic_id,
                            case,
                            &kind,
                            &key,
                            size,
                            &me,
                        )
                        .await;
                        let image_id = match added {
                            Ok(id) => id,
                            Err(error) => {
                                let _ = state.media.files().remove_original(&key).await;
                                return answer(Err(error));
                            }
                        };
                        state.jobs().make_sizes(image_id);
                        outcome.added += 1;
                    }
                    Err(problem) => {
                        // The file's name may carry the patient's; only the problem is logged.
                        tracing::info!(problem = problem.code(), "picture refused");
                        outcome.problem.get_or_insert(problem);
                    }
                }
            }
            _ => {}
        }
    }
    let mut page = format!(
        "/admin/gallery/cases/{case_id}?saved=pictures&added={}",
        outcome.added
    );
    if let Some(problem) = outcome.problem {
        page.push_str(&format!("&problem={}", problem.code()));
    }
    leptos_axum::redirect(&page);
    Ok(outcome)
}

#[server(endpoint = "admin/save_case_picture")]
#[allow(clippy::too_many_arguments)]
pub async fn save_case_picture(
    id: String,
    kind: String,
    pair: String,
    label: String,
    alt: String,
    crop: String,
    blur: String,
) -> Result<(), AppError> {
    use crate::domain::form::FieldProblem;
    use crate::domain::privacy::Privacy;
    let me = require(Action::ManageGallery).await?;
    let state = app_state()?;
    let change = answer(
        async {
            let id = AppError::record_id(&id)?;
            let mut problems = Vec::new();
            if kind != "before" && kind != "after" {
                problems.push(FieldProblem::new("kind", "Choose before or after."));
            }
            let pair = pair
                .trim()
                .parse::<i16>()
                .ok()
                .filter(|p| (1..=50).contains(p));
            if pair.is_none() {
                problems.push(FieldProblem::new(
                    "pair",
                    "Enter the pair's number, from 1 to 50.",
                ));
            }
            let label = crate::domain::form::text(
                &mut problems,
                "label",
                &label,
                "a label, like Front or 3 months after",
                60,
                true,
            );
            let alt = crate::domain::form::text(
                &mut problems,
                "alt",
                &alt,
                "a description for people who can't see the picture",
                300,
                true,
            );
            let privacy = Privacy::from_text(&crop, &blur).unwrap_or_else(|message| {
                problems.push(FieldProblem::new("privacy", message));
                Privacy::default()
            });
            if !problems.is_empty() {
                return Err(AppError::Rejected(problems));
            }
            Ok(PictureChange {
                id,
                kind,
                pair: pair.unwrap_or(1) - 1,
                label,
                alt,
                privacy,
            })
        }
        .await,
    )?;
    let (case_id, remake) =
        answer(gallery_admin::save_picture(&state.pool, state.clinic_id, &change, &me).await)?;
    if let Some(image) = remake {
        // The old sizes show what was to be hidden: withdrawn before new ones are made.
        let jobs = state.jobs();
        answer(
            jobs.withdraw(&[image], "processing")
                .await
                .map_err(AppError::from),
        )?;
        jobs.make_sizes(image);
    }
    leptos_axum::redirect(&format!("/admin/gallery/cases/{case_id}?saved=picture"));
    Ok(())
}

#[server(endpoint = "admin/remove_case_picture")]
pub async fn remove_case_picture(id: String) -> Result<(), AppError> {
    let me = require(Action::ManageGallery).await?;
    let state = app_state()?;
    let id = answer(AppError::record_id(&id))?;
    let (case_id, image, original) =
        answer(gallery_admin::remove_picture(&state.pool, state.clinic_id, id, &me).await)?;
    answer(
        state
            .jobs()
            .withdraw(&[image], "withdrawn")
            .await
            .map_err(AppError::from),
    )?;
    answer(gallery_admin::delete_image(&state.pool, image).await)?;
    if let Some(key) = original {
        if let Err(error) = state.media.files().remove_original(&key).await {
            tracing::warn!(%error, "an original could not be deleted");
        }
    }
    leptos_axum::redirect(&format!("/admin/gallery/cases/{case_id}?saved=removed"));
    Ok(())
}

/// A case exactly as its public page would show it, and whether the public sees it now.
#[server(endpoint = "admin/case_preview")]
pub async fn fetch_case_preview(id: String) -> Result<(ClinicInfo, CaseDetail, bool), AppError> {
    require(Action::ManageGallery).await?;
    let state = app_state()?;
    answer(
        async {
            let id = AppError::record_id(&id)?;
            let case = store::gallery::case_preview(&state.pool, &state.media, state.clinic_id, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let public = store::gallery::is_public(&state.pool, id).await?;
            // The same clinic details the public page is given.
            let clinic = crate::catalog::api::fetch_clinic_info().await?;
            Ok((clinic, case, public))
        }
        .await,
    )
}
