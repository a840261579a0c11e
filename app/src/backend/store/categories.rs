//! Treatment categories as staff manage them: listing, editing, moving and removing, each
//! change in one transaction with its audit row.

use super::{refused_by, ConstraintRule};
use crate::admin::categories::types::CategoryRow;
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::domain::category::CategoryDraft;
use crate::domain::form::FieldProblem;
use crate::error::AppError;
use sqlx::PgPool;
use uuid::Uuid;

#[tracing::instrument(skip(pool))]
pub async fn list(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<CategoryRow>, AppError> {
    Ok(sqlx::query_as!(
        CategoryRow,
        r#"SELECT c.id, c.name, c.slug,
                  (SELECT count(*) FROM treatments t WHERE t.category_id = c.id) AS "treatments!"
           FROM treatment_categories c
           WHERE c.clinic_id = $1
           ORDER BY c.position, c.name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?)
}

/// The category `id`, or `None` when it is not this clinic's.
#[tracing::instrument(skip(pool))]
pub async fn load(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<CategoryDraft>, AppError> {
    let Some(row) = sqlx::query!(
        "SELECT id, name, slug, description FROM treatment_categories
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let slug = super::stored_slug(&row.slug, "category", id)?;
    Ok(Some(CategoryDraft {
        id: Some(row.id),
        name: row.name,
        slug,
        description: row.description,
    }))
}

const RULES: &[ConstraintRule] = &[(
    "treatment_categories_clinic_id_slug_key",
    "slug",
    "Another category already uses this web address. Choose a different one.",
)];

fn mapped(error: sqlx::Error) -> AppError {
    refused_by(error, RULES)
}

/// Creates (at the end of the list) or updates a category. Returns its id.
#[tracing::instrument(skip_all, fields(category_id = ?draft.id))]
pub async fn save(
    pool: &PgPool,
    clinic_id: Uuid,
    draft: &CategoryDraft,
    actor: &Principal,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let id = match draft.id {
        Some(id) => sqlx::query_scalar!(
            "UPDATE treatment_categories SET name = $3, slug = $4, description = $5
             WHERE clinic_id = $1 AND id = $2 RETURNING id",
            clinic_id,
            id,
            draft.name,
            draft.slug.as_str(),
            draft.description
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(mapped)?
        .ok_or(AppError::NotFound)?,
        None => sqlx::query_scalar!(
            "INSERT INTO treatment_categories (clinic_id, name, slug, description, position)
             VALUES ($1, $2, $3, $4,
                     (SELECT coalesce(max(position), 0) + 1 FROM treatment_categories
                      WHERE clinic_id = $1))
             RETURNING id",
            clinic_id,
            draft.name,
            draft.slug.as_str(),
            draft.description
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(mapped)?,
    };
    audit::append_for_request(
        &mut tx,
        actor,
        super::save_action(draft.id),
        "treatment_category",
        Some(id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Swaps the category with its neighbour above (`up`) or below; at either end nothing moves.
#[tracing::instrument(skip(pool, actor))]
pub async fn move_one(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    up: bool,
    actor: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    // Number the list afresh first, so ties from older data cannot make a swap a no-op.
    let order = sqlx::query_scalar!(
        "SELECT id FROM treatment_categories WHERE clinic_id = $1
         ORDER BY position, name FOR UPDATE",
        clinic_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let Some(index) = order.iter().position(|&c| c == id) else {
        return Err(AppError::NotFound);
    };
    let mut order = order;
    let neighbour = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1)
    };
    if let Some(other) = neighbour.filter(|&i| i < order.len()) {
        order.swap(index, other);
    }
    sqlx::query!(
        "UPDATE treatment_categories c SET position = o.position
         FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, position)
         WHERE c.clinic_id = $1 AND c.id = o.id",
        clinic_id,
        &order
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, actor, "reorder", "treatment_category", Some(id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes an empty category. One that still holds treatments is refused with the count,
/// so staff move or remove those first and nothing disappears from the site by surprise.
#[tracing::instrument(skip(pool, actor))]
pub async fn remove(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    actor: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let treatments = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM treatments WHERE clinic_id = $1 AND category_id = $2"#,
        clinic_id,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    if treatments > 0 {
        let noun = if treatments == 1 {
            "treatment"
        } else {
            "treatments"
        };
        return Err(AppError::Rejected(vec![FieldProblem::new(
            "id",
            format!(
                "This category still holds {treatments} {noun}. Move them to another category first."
            ),
        )]));
    }
    let removed = sqlx::query!(
        "DELETE FROM treatment_categories WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        id
    )
    .execute(&mut *tx)
    .await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::append_for_request(&mut tx, actor, "delete", "treatment_category", Some(id)).await?;
    tx.commit().await?;
    Ok(())
}
