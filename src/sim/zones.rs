//! Zones of an environment, for one operator per zone (PowerGrid's networked microgrids): the
//! observation components a zone's operator sees (of its buses, the devices at them and the
//! branches touching them, and the time) and the actions it sets (of its devices and the
//! branches leaving its buses); its share of the reward is [`Environment::zone_reward`].

use super::Environment;

/// What one zone's operator sees and sets, as positions in the environment's spaces.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneSpace {
    pub name: String,
    pub observation: Vec<usize>,
    pub action: Vec<usize>,
    /// Per bus of the network: whether it is in the zone.
    pub buses: Vec<bool>,
}

/// The element a component is of: `storage` of `storage.p_mw`.
fn element(component: &str) -> &str {
    component.rsplit_once('.').map_or(component, |(e, _)| e)
}

/// Every zone the network's buses name, in order of their first bus.
pub fn zone_spaces(env: &Environment) -> Vec<ZoneSpace> {
    let net = env.network();
    let index = net.bus_indices();
    let bus = |name: &str| index.get(name).copied();
    // The buses each element is at: a bus itself, a device's bus, a branch's two ends.
    let mut at: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for b in &net.buses {
        at.insert(b.name.as_str(), bus(&b.name).into_iter().collect());
    }
    for d in &net.devices {
        at.insert(d.name(), bus(d.bus()).into_iter().collect());
    }
    for br in &net.branches {
        let ends = [bus(&br.from_bus), bus(&br.to_bus)];
        at.insert(br.name.as_str(), ends.into_iter().flatten().collect());
    }
    net.zones()
        .into_iter()
        .map(|zone| {
            let buses: Vec<bool> = net
                .buses
                .iter()
                .map(|b| b.zone.as_deref() == Some(zone))
                .collect();
            let touches = |name: &str| {
                at.get(element(name))
                    .is_some_and(|b| b.iter().any(|&k| buses[k]))
            };
            // An action belongs to the zone of its element's first bus (a branch's from-bus).
            let owns = |name: &str| {
                at.get(element(name))
                    .and_then(|b| b.first())
                    .is_some_and(|&k| buses[k])
            };
            let observation = (env.observation_space().iter().enumerate())
                .filter(|(_, c)| c.name == "time.index" || touches(&c.name))
                .map(|(i, _)| i)
                .collect();
            let action = (env.action_space().iter().enumerate())
                .filter(|(_, c)| owns(&c.name))
                .map(|(i, _)| i)
                .collect();
            ZoneSpace {
                name: zone.to_string(),
                observation,
                action,
                buses,
            }
        })
        .collect()
}
