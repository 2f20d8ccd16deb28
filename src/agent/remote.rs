//! A policy served elsewhere (ALPypeRL's policy server, the other way round): each step sends
//! the observation, by component name, and applies the action that comes back. The transport
//! is given (HTTP from [`crate::io`]); this module holds the protocol:
//!
//! - `GET` answers `{"observation": [names], "action": [names]}`: the components the policy
//!   reads and sets (checked against the spaces when the agent is made);
//! - `POST {"observation": {name: value, ...}}` answers `{"action": {name: value, ...}}` with
//!   every action the policy sets; the others keep their do-nothing value.

use serde::Deserialize;
use std::collections::HashMap;

use super::{Agent, Spaces};
use crate::sim::position;

/// How requests reach the policy.
pub trait Transport: Send {
    /// The answer to a GET.
    fn get(&mut self) -> Result<String, String>;
    /// The answer to a POST of `body`.
    fn post(&mut self, body: &str) -> Result<String, String>;
}

/// A remote policy bound to an environment's spaces.
pub struct RemoteAgent {
    transport: Box<dyn Transport>,
    /// Where the policy is, for messages.
    address: String,
    observation: Vec<(String, usize)>,
    action: Vec<(String, usize)>,
    do_nothing: Vec<f64>,
    failure: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    observation: Vec<String>,
    action: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    action: HashMap<String, f64>,
}

impl RemoteAgent {
    /// Asks the policy which components it reads and sets, and checks them against `spaces`.
    pub fn connect(
        mut transport: Box<dyn Transport>,
        address: &str,
        spaces: &Spaces,
    ) -> Result<Self, String> {
        let fail = |why: String| format!("remote policy {address}: {why}");
        let names: Names = transport
            .get()
            .and_then(|text| serde_json::from_str(&text).map_err(|e| format!("its spaces: {e}")))
            .map_err(fail)?;
        let bind = |names: Vec<String>, space: &[crate::sim::Component], what: &str| {
            names
                .into_iter()
                .map(|name| match position(space, &name) {
                    Some(i) => Ok((name, i)),
                    None => Err(fail(format!(
                        "this network has no {what} component '{name}'"
                    ))),
                })
                .collect::<Result<Vec<_>, String>>()
        };
        Ok(RemoteAgent {
            observation: bind(names.observation, spaces.observation, "observation")?,
            action: bind(names.action, spaces.action, "action")?,
            transport,
            address: address.to_string(),
            do_nothing: spaces.do_nothing.to_vec(),
            failure: None,
        })
    }

    fn ask(&mut self, observation: &[f64]) -> Result<Vec<f64>, String> {
        let named: serde_json::Map<String, serde_json::Value> = self
            .observation
            .iter()
            .map(|(name, i)| (name.clone(), serde_json::json!(observation[*i])))
            .collect();
        let body = serde_json::json!({ "observation": named }).to_string();
        let text = self.transport.post(&body)?;
        let answer: Answer = serde_json::from_str(&text).map_err(|e| format!("its action: {e}"))?;
        let mut action = self.do_nothing.clone();
        for (name, i) in &self.action {
            let value = answer
                .action
                .get(name)
                .ok_or_else(|| format!("its action has no '{name}'"))?;
            action[*i] = *value;
        }
        if let Some(extra) = answer
            .action
            .keys()
            .find(|k| !self.action.iter().any(|(n, _)| n == *k))
        {
            return Err(format!("its action names '{extra}', which it did not list"));
        }
        Ok(action)
    }
}

impl Agent for RemoteAgent {
    /// The policy's action; when it cannot be had, the do-nothing action, and
    /// [`Agent::failure`] says why (the agent asks no more).
    fn act(&mut self, observation: &[f64]) -> Vec<f64> {
        if self.failure.is_some() {
            return self.do_nothing.clone();
        }
        self.ask(observation).unwrap_or_else(|why| {
            self.failure = Some(format!("remote policy {}: {why}", self.address));
            self.do_nothing.clone()
        })
    }

    fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }
}
