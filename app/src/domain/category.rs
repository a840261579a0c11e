//! A treatment category as staff write it, such as "Injectables" or "Skin".

use super::form::{record_id, slug, text, FieldProblem};
use super::slug::Slug;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryForm {
    /// Empty for a new category.
    pub id: String,
    pub name: String,
    pub slug: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryDraft {
    pub id: Option<Uuid>,
    pub name: String,
    pub slug: Slug,
    pub description: String,
}

pub const NAME_MAX: usize = 80;
pub const DESCRIPTION_MAX: usize = 1_000;

impl CategoryForm {
    pub fn from_draft(draft: &CategoryDraft) -> Self {
        CategoryForm {
            id: draft.id.map(|id| id.to_string()).unwrap_or_default(),
            name: draft.name.clone(),
            slug: draft.slug.to_string(),
            description: draft.description.clone(),
        }
    }

    pub fn parse(&self) -> Result<CategoryDraft, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let id = record_id(
            &mut problems,
            &self.id,
            "Open the category again from the list.",
        );
        let name = text(
            &mut problems,
            "name",
            &self.name,
            "the name",
            NAME_MAX,
            true,
        );
        let slug = slug(&mut problems, &self.slug, &name);
        let description = text(
            &mut problems,
            "description",
            &self.description,
            "the description",
            DESCRIPTION_MAX,
            false,
        );
        match slug {
            Some(slug) if problems.is_empty() => Ok(CategoryDraft {
                id,
                name,
                slug,
                description,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::problem_for;

    #[test]
    fn a_new_category_gets_its_address_from_its_name() {
        let form = CategoryForm {
            name: " Skin & Peels ".into(),
            ..CategoryForm::default()
        };
        let draft = form.parse().unwrap();
        assert_eq!((draft.id, draft.name.as_str()), (None, "Skin & Peels"));
        assert_eq!(draft.slug.as_str(), "skin-peels");
        assert_eq!(CategoryForm::from_draft(&draft).parse().unwrap(), draft);
    }

    #[test]
    fn problems_are_named_by_field() {
        let form = CategoryForm {
            id: "not-an-id".into(),
            slug: "Bad Slug".into(),
            description: "x".repeat(DESCRIPTION_MAX + 1),
            ..CategoryForm::default()
        };
        let problems = form.parse().unwrap_err();
        for field in ["id", "name", "slug", "description"] {
            assert!(
                problem_for(&problems, field).is_some(),
                "{field}: {problems:?}"
            );
        }
    }
}
