//! Enums kept and sent by name (in database columns, forms, URLs and JSON): each lists its
//! values and says its name, so the store reads any of them from a text column the same way.

/// An enum written as its name.
pub trait Named: Copy + Sized + 'static {
    /// Every value.
    const ALL: &'static [Self];

    /// The value's name, as stored.
    fn name(self) -> &'static str;

    /// The value with this name.
    fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::Named;

    /// Every value's name reads back as that value, and no two share a name.
    fn round_trip<T: Named + PartialEq + std::fmt::Debug>() {
        for v in T::ALL {
            assert_eq!(T::from_name(v.name()), Some(*v));
        }
        let mut names: Vec<&str> = T::ALL.iter().map(|v| v.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), T::ALL.len(), "names are unique");
        assert_eq!(T::from_name("no such name"), None);
    }

    #[test]
    fn every_named_enum_reads_back_its_names() {
        use crate::*;
        round_trip::<role::StaffRole>();
        round_trip::<workspace::Role>();
        round_trip::<workspace::Phase>();
        round_trip::<programme::Model>();
        round_trip::<application::State>();
        round_trip::<concern::Status>();
        round_trip::<concern::MessageKind>();
        round_trip::<evaluation::Kind>();
        round_trip::<request::Stage>();
        round_trip::<request::Step>();
        round_trip::<cohort::RuleKind>();
        round_trip::<cohort::RoundStatus>();
        round_trip::<cohort::PublishAs>();
        round_trip::<directory::TermKind>();
    }
}
