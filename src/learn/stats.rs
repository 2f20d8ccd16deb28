//! Running mean and standard deviation of observations, the normalisation of ARS V2: merged in
//! a fixed order, so the same rollouts give the same figures however threads share them out.

/// Count, mean and sum of squared deviations per component (Welford, merged by Chan's rule).
#[derive(Debug, Clone, PartialEq)]
pub struct RunningStats {
    count: f64,
    mean: Vec<f64>,
    m2: Vec<f64>,
}

/// A standard deviation below this counts as a constant component.
const CONSTANT_STD: f64 = 1e-8;

impl RunningStats {
    pub fn new(dimension: usize) -> Self {
        RunningStats {
            count: 0.0,
            mean: vec![0.0; dimension],
            m2: vec![0.0; dimension],
        }
    }

    /// Adds one observation (only the components listed in `index`, in that order). One with a
    /// value that is not finite (a failed solve) is left out: it would poison every later mean.
    pub fn push(&mut self, observation: &[f64], index: &[usize]) {
        if index.iter().any(|&i| !observation[i].is_finite()) {
            return;
        }
        self.count += 1.0;
        for ((mean, m2), &i) in self.mean.iter_mut().zip(&mut self.m2).zip(index) {
            let x = observation[i];
            let delta = x - *mean;
            *mean += delta / self.count;
            *m2 += delta * (x - *mean);
        }
    }

    /// Folds another set of statistics into this one.
    pub fn merge(&mut self, other: &RunningStats) {
        if other.count == 0.0 {
            return;
        }
        let count = self.count + other.count;
        for k in 0..self.mean.len() {
            let delta = other.mean[k] - self.mean[k];
            self.mean[k] += delta * other.count / count;
            self.m2[k] += other.m2[k] + delta * delta * self.count * other.count / count;
        }
        self.count = count;
    }

    pub fn count(&self) -> f64 {
        self.count
    }

    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// Standard deviation per component; 1 for a component that has not varied, so that it
    /// normalises to zero (its mean) instead of dividing by nothing.
    pub fn std(&self) -> Vec<f64> {
        self.m2
            .iter()
            .map(|m2| {
                let std = (m2 / self.count.max(1.0)).sqrt();
                if std > CONSTANT_STD { std } else { 1.0 }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_statistics_equal_those_of_all_observations_at_once() {
        let rows = [[1.0, 5.0], [2.0, 5.0], [4.0, 5.0], [8.0, 5.0], [16.0, 5.0]];
        let all: Vec<usize> = vec![0, 1];
        let mut whole = RunningStats::new(2);
        rows.iter().for_each(|r| whole.push(r, &all));
        let (mut a, mut b) = (RunningStats::new(2), RunningStats::new(2));
        rows[..2].iter().for_each(|r| a.push(r, &all));
        rows[2..].iter().for_each(|r| b.push(r, &all));
        a.merge(&b);
        let mean = 31.0 / 5.0;
        let var = rows.iter().map(|r| (r[0] - mean).powi(2)).sum::<f64>() / 5.0;
        for s in [&whole, &a] {
            assert_eq!(s.count(), 5.0);
            assert!((s.mean()[0] - mean).abs() < 1e-12);
            assert!((s.std()[0] - var.sqrt()).abs() < 1e-12);
            // The constant component normalises to zero with a unit spread.
            assert_eq!((s.mean()[1], s.std()[1]), (5.0, 1.0));
        }
    }

    #[test]
    fn an_observation_with_nan_is_left_out() {
        let mut s = RunningStats::new(1);
        s.push(&[2.0, f64::NAN], &[0]);
        s.push(&[f64::NAN, 1.0], &[0]);
        assert_eq!((s.count(), s.mean()[0]), (1.0, 2.0));
    }
}
