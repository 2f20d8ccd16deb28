//! The unit conversions MATPOWER's distribution cases (case33bw, case69, …) write in MATLAB at
//! the end of the file: loads in kW and kVAr, branch impedances in ohms. They are recognised as
//! whole statements and applied in file order, exactly as MATLAB would run them, to the matrices
//! read so far.

use super::case::{Matrix, RawCase};
use crate::io::ParseError;

// The statements as the distribution cases write them, with whitespace, comments and
// continuations removed and without the final `;`.
const IDX_BUS: &str = "[PQ,PV,REF,NONE,BUS_I,BUS_TYPE,PD,QD,GS,BS,BUS_AREA,VM,VA,BASE_KV,ZONE,\
                       VMAX,VMIN,LAM_P,LAM_Q,MU_VMAX,MU_VMIN]=idx_bus";
const IDX_BRCH: &str = "[F_BUS,T_BUS,BR_R,BR_X,BR_B,RATE_A,RATE_B,RATE_C,TAP,SHIFT,BR_STATUS,PF,QF,\
                        PT,QT,MU_SF,MU_ST,ANGMIN,ANGMAX,MU_ANGMIN,MU_ANGMAX]=idx_brch";
const VBASE: &str = "Vbase=mpc.bus(1,BASE_KV)*1e3";
const SBASE: &str = "Sbase=mpc.baseMVA*1e6";
const OHMS_TO_PU: &str = "mpc.branch(:,[BR_RBR_X])=mpc.branch(:,[BR_RBR_X])/(Vbase^2/Sbase)";
const KW_TO_MW: &str = "mpc.bus(:,[PD,QD])=mpc.bus(:,[PD,QD])/1e3";

/// Column indices (0-based) the conversions touch.
const PD: usize = 2;
const QD: usize = 3;
const BASE_KV: usize = 9;
const BR_R: usize = 2;
const BR_X: usize = 3;

/// The MATLAB variables the conversion statements define, as far as they have been defined.
#[derive(Default)]
pub(super) struct Conversions {
    idx_bus: bool,
    idx_brch: bool,
    vbase_v: Option<f64>,
    sbase_va: Option<f64>,
}

impl Conversions {
    /// Runs `statement` (its tokens joined without whitespace, comments or the final `;`) if it
    /// is one of the known conversions; `None` if it is not.
    pub fn apply(
        &mut self,
        statement: &str,
        line: usize,
        case: &mut RawCase,
    ) -> Option<Result<(), ParseError>> {
        let result = match statement {
            IDX_BUS => {
                self.idx_bus = true;
                Ok(())
            }
            IDX_BRCH => {
                self.idx_brch = true;
                Ok(())
            }
            VBASE => self.define_vbase(line, case),
            SBASE => self.define_sbase(line, case),
            OHMS_TO_PU => self.convert_ohms(line, case),
            KW_TO_MW => self.convert_kw(line, case),
            _ => return None,
        };
        Some(result)
    }

    fn define_vbase(&mut self, line: usize, case: &RawCase) -> Result<(), ParseError> {
        require(self.idx_bus, line, "BASE_KV (from idx_bus)")?;
        let first_row = case.bus.as_ref().and_then(|m| m.rows.first());
        let Some(base_kv) = first_row.and_then(|r| r.values.get(BASE_KV)) else {
            return Err(ParseError::at(
                line,
                "Vbase needs mpc.bus with a first row holding baseKV",
            ));
        };
        self.vbase_v = Some(base_kv * 1e3);
        Ok(())
    }

    fn define_sbase(&mut self, line: usize, case: &RawCase) -> Result<(), ParseError> {
        let Some(base_mva) = &case.base_mva else {
            return Err(ParseError::at(
                line,
                "Sbase needs mpc.baseMVA, which is not set yet",
            ));
        };
        self.sbase_va = Some(base_mva.value * 1e6);
        Ok(())
    }

    /// Branch impedances given in ohms, divided by the base impedance of the first bus.
    fn convert_ohms(&mut self, line: usize, case: &mut RawCase) -> Result<(), ParseError> {
        require(self.idx_brch, line, "BR_R and BR_X (from idx_brch)")?;
        let (Some(vbase_v), Some(sbase_va)) = (self.vbase_v, self.sbase_va) else {
            return Err(ParseError::at(
                line,
                "Vbase and Sbase must be defined before this line",
            ));
        };
        let z_base_ohm = vbase_v.powi(2) / sbase_va;
        if !(z_base_ohm > 0.0 && z_base_ohm.is_finite()) {
            return Err(ParseError::at(
                line,
                "cannot convert ohms to per unit: the first bus's baseKV must be positive",
            ));
        }
        let branch = case.branch.as_mut();
        let branch = branch.ok_or_else(|| ParseError::at(line, "mpc.branch is not set yet"))?;
        divide_columns(branch, &[BR_R, BR_X], z_base_ohm);
        Ok(())
    }

    /// Loads given in kW and kVAr.
    fn convert_kw(&mut self, line: usize, case: &mut RawCase) -> Result<(), ParseError> {
        require(self.idx_bus, line, "PD and QD (from idx_bus)")?;
        let bus = case.bus.as_mut();
        let bus = bus.ok_or_else(|| ParseError::at(line, "mpc.bus is not set yet"))?;
        divide_columns(bus, &[PD, QD], 1e3);
        Ok(())
    }
}

fn require(defined: bool, line: usize, what: &str) -> Result<(), ParseError> {
    if defined {
        Ok(())
    } else {
        Err(ParseError::at(
            line,
            format!("{what} is used before it is defined"),
        ))
    }
}

fn divide_columns(matrix: &mut Matrix, columns: &[usize], divisor: f64) {
    for row in &mut matrix.rows {
        for &c in columns {
            if let Some(v) = row.values.get_mut(c) {
                *v /= divisor;
            }
        }
    }
}
