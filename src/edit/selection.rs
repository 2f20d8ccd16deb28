//! What the user has selected, by name, so it survives edits, deletes and undo.

use std::collections::HashSet;

use crate::model::{ElementRef, Network};

/// Selected elements in the order they were picked; the last one is the one the inspector shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    items: Vec<ElementRef>,
}

impl Selection {
    pub fn single(element: ElementRef) -> Self {
        Selection {
            items: vec![element],
        }
    }

    /// The elements, each once, in order.
    pub fn from_elements(elements: impl IntoIterator<Item = ElementRef>) -> Self {
        let mut seen = HashSet::new();
        let items = elements
            .into_iter()
            .filter(|e| seen.insert(e.clone()))
            .collect();
        Selection { items }
    }

    pub fn items(&self) -> &[ElementRef] {
        &self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The element the inspector shows: the one picked last.
    pub fn primary(&self) -> Option<&ElementRef> {
        self.items.last()
    }

    pub fn contains(&self, element: &ElementRef) -> bool {
        self.items.contains(element)
    }

    /// Adds an element (or makes it the primary one if it is already selected).
    pub fn add(&mut self, element: ElementRef) {
        self.items.retain(|e| *e != element);
        self.items.push(element);
    }

    /// Adds an element, or removes it if it is selected (a shift-click).
    pub fn toggle(&mut self, element: ElementRef) {
        if self.contains(&element) {
            self.items.retain(|e| *e != element);
        } else {
            self.items.push(element);
        }
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// The names of the selected buses.
    pub fn buses(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|e| match e {
                ElementRef::Bus(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    /// Forgets elements that no longer exist (after a delete or an undo).
    pub fn retain_existing(&mut self, net: &Network) {
        if self.items.is_empty() {
            return;
        }
        let kinds = [
            ElementRef::Bus(String::new()),
            ElementRef::Branch(String::new()),
            ElementRef::Device(String::new()),
        ];
        let [buses, branches, devices] = kinds.map(|k| net.names_of_kind(&k));
        let exists = |e: &ElementRef| match e {
            ElementRef::Bus(n) => buses.contains(n.as_str()),
            ElementRef::Branch(n) => branches.contains(n.as_str()),
            ElementRef::Device(n) => devices.contains(n.as_str()),
        };
        let kept: Vec<ElementRef> = self.items.iter().filter(|e| exists(e)).cloned().collect();
        self.items = kept;
    }

    /// Follows a rename.
    pub fn rename(&mut self, from: &ElementRef, to: &str) {
        for e in &mut self.items {
            if e == from {
                *e = from.renamed(to);
            }
        }
    }
}
