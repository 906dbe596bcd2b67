# Reference values for tests/stats/test_binary.py (explorer.stats.binary).
# Run: cd tests/reference && Rscript binary.R   -> writes binary.json
# Base R prop.test / binom.test / fisher.test / chisq.test, metafor::escalc for the
# risk ratio, and the Newcombe and Katz formulas written out here independently.
suppressPackageStartupMessages({
  library(jsonlite)
  library(metafor)
})

levels <- c(0.90, 0.95, 0.99)

cases <- list(
  palmira_orr = c(6, 94, 1, 44),       # PALMIRA ORR 6.4% vs 2.3%, measurable disease
  palmira_cbr = c(31, 94, 13, 44),     # PALMIRA CBR 33.0% vs 29.5%
  palmira_ae = c(61, 135, 5, 60),      # PALMIRA grade 3-4 AE 45.2% vs 8.3%
  style = c(57, 136, 17, 62),          # STYLE example (Fisher p 0.0581)
  zero_cell = c(0, 20, 5, 20),         # zero events in group 1
  fagerland = c(7, 34, 1, 34),         # Fagerland, Lydersen, Laake 2015 example
  newcombe = c(56, 70, 48, 80)         # Newcombe 1998 Stat Med, Table II example (a)
)

# Conditional MLE and exact interval of the odds ratio: fisher.test's own
# algorithm (noncentral hypergeometric), but with uniroot solved to 1e-14
# instead of fisher.test's default tolerance (about 1.2e-4).
tight_or <- function(tab, conf.level) {
  m <- sum(tab[, 1]); n <- sum(tab[, 2]); k <- sum(tab[1, ]); x <- tab[1, 1]
  lo <- max(0L, k - n); hi <- min(k, m); support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dnhyper <- function(ncp) {
    d <- logdc + log(ncp) * support
    d <- exp(d - max(d))
    d / sum(d)
  }
  mnhyper <- function(ncp) {
    if (ncp == 0) return(lo)
    if (ncp == Inf) return(hi)
    sum(support * dnhyper(ncp))
  }
  pnhyper <- function(q, ncp, upper.tail = FALSE) {
    if (ncp == 1) {
      return(if (upper.tail) phyper(x - 1, m, n, k, lower.tail = FALSE)
             else phyper(x, m, n, k))
    }
    if (ncp == 0) return(as.numeric(if (upper.tail) q <= lo else q >= lo))
    if (ncp == Inf) return(as.numeric(if (upper.tail) q <= hi else q >= hi))
    sum(dnhyper(ncp)[if (upper.tail) support >= q else support <= q])
  }
  tol <- 1e-14
  mle <- if (x == lo) 0 else if (x == hi) Inf else {
    mu <- mnhyper(1)
    if (mu > x) uniroot(function(t) mnhyper(t) - x, c(0, 1), tol = tol)$root
    else if (mu < x) 1 / uniroot(function(t) mnhyper(1 / t) - x,
                                 c(.Machine$double.eps, 1), tol = tol)$root
    else 1
  }
  ncp.U <- function(alpha) {
    if (x == hi) return(Inf)
    p <- pnhyper(x, 1)
    if (p < alpha) uniroot(function(t) pnhyper(x, t) - alpha, c(0, 1), tol = tol)$root
    else if (p > alpha) 1 / uniroot(function(t) pnhyper(x, 1 / t) - alpha,
                                    c(.Machine$double.eps, 1), tol = tol)$root
    else 1
  }
  ncp.L <- function(alpha) {
    if (x == lo) return(0)
    p <- pnhyper(x, 1, upper.tail = TRUE)
    if (p > alpha) uniroot(function(t) pnhyper(x, t, upper.tail = TRUE) - alpha,
                           c(0, 1), tol = tol)$root
    else if (p < alpha) 1 / uniroot(function(t) pnhyper(x, 1 / t, upper.tail = TRUE) - alpha,
                                    c(.Machine$double.eps, 1), tol = tol)$root
    else 1
  }
  alpha <- (1 - conf.level) / 2
  c(estimate = mle, lower = ncp.L(alpha), upper = ncp.U(alpha))
}

# JSON has no Inf: store it as the string "Inf" (the tests map it back).
inf_str <- function(v) {
  out <- lapply(v, function(x) if (is.infinite(x)) "Inf" else x)
  if (length(out) == 1) out[[1]] else out
}

compare_case <- function(k1, n1, k2, n2, level) {
  tab <- matrix(c(k1, n1 - k1, k2, n2 - k2), 2, byrow = TRUE)
  z <- qnorm((1 + level) / 2)
  p1 <- k1 / n1; p2 <- k2 / n2
  wilson <- function(k, n) {
    suppressWarnings(prop.test(k, n, conf.level = level, correct = FALSE))$conf.int
  }
  w1 <- wilson(k1, n1)
  w2 <- wilson(k2, n2)
  cp1 <- binom.test(k1, n1, conf.level = level)$conf.int
  cp2 <- binom.test(k2, n2, conf.level = level)$conf.int
  # Newcombe (1998) method 10, hybrid score, from the Wilson limits
  rd <- p1 - p2
  rd_lower <- rd - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2)
  rd_upper <- rd + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2)
  # Katz log interval; metafor adds 1/2 to every cell when any cell is zero
  es <- escalc(measure = "RR", ai = k1, bi = n1 - k1, ci = k2, di = n2 - k2)
  rr_ci <- exp(es$yi[1] + c(0, -1, 1) * z * sqrt(es$vi[1]))
  add <- if (any(tab == 0)) 0.5 else 0
  a <- k1 + add; c <- k2 + add; m1 <- n1 + 2 * add; m2 <- n2 + 2 * add
  log_rr <- log((a / m1) / (c / m2))
  se <- sqrt(1 / a - 1 / m1 + 1 / c - 1 / m2)
  stopifnot(isTRUE(all.equal(rr_ci, exp(log_rr + c(0, -1, 1) * z * se), tolerance = 1e-12)))
  ft <- fisher.test(tab, conf.level = level)
  tight <- tight_or(tab, level)
  chi <- suppressWarnings(chisq.test(tab, correct = FALSE))
  pt <- suppressWarnings(prop.test(c(k1, k2), c(n1, n2), correct = FALSE))
  list(
    k1 = k1, n1 = n1, k2 = k2, n2 = n2, level = level,
    wilson1 = as.numeric(w1), wilson2 = as.numeric(w2),
    clopper1 = as.numeric(cp1), clopper2 = as.numeric(cp2),
    rd = rd, rd_lower = rd_lower, rd_upper = rd_upper,
    rr = rr_ci[1], rr_lower = rr_ci[2], rr_upper = rr_ci[3], rr_corrected = add > 0,
    fisher_estimate = inf_str(unname(ft$estimate)),
    fisher_conf_int = inf_str(as.numeric(ft$conf.int)),
    fisher_p = ft$p.value,
    or_tight = inf_str(unname(tight)),
    chi2_p = chi$p.value, prop_test_p = pt$p.value
  )
}

compare_out <- list()
for (name in names(cases)) {
  v <- cases[[name]]
  for (level in levels) {
    compare_out[[length(compare_out) + 1]] <- c(
      list(case = name), compare_case(v[1], v[2], v[3], v[4], level)
    )
  }
}

# Edge tables: empty event column (both 0, both all), for the documented differences
edge <- lapply(list(c(0, 20, 0, 20), c(20, 20, 20, 20), c(20, 20, 15, 20)), function(v) {
  tab <- matrix(c(v[1], v[2] - v[1], v[3], v[4] - v[3]), 2, byrow = TRUE)
  ft <- fisher.test(tab)
  list(k1 = v[1], n1 = v[2], k2 = v[3], n2 = v[4],
       fisher_estimate = inf_str(unname(ft$estimate)),
       fisher_conf_int = inf_str(as.numeric(ft$conf.int)), fisher_p = ft$p.value,
       chi2_p = suppressWarnings(chisq.test(tab, correct = FALSE)$p.value))
})

# Single proportions at the edges and in between
props <- list()
for (kn in list(c(0, 20), c(20, 20), c(1, 44), c(6, 94), c(31, 94), c(61, 135), c(1, 1))) {
  for (level in levels) {
    props[[length(props) + 1]] <- list(
      k = kn[1], n = kn[2], level = level,
      wilson = as.numeric(suppressWarnings(
        prop.test(kn[1], kn[2], conf.level = level, correct = FALSE)
      )$conf.int),
      clopper = as.numeric(binom.test(kn[1], kn[2], conf.level = level)$conf.int)
    )
  }
}

# reconstruct_counts by brute force: every k/n whose percentage rounds to pct,
# accepting either rounding at an exact tie
brute <- function(pct, decimals, n_min, n_max) {
  ks <- integer(0); ns <- integer(0)
  half <- 0.5 * 10^-decimals
  for (n in n_min:n_max) for (k in 0:n) {
    if (abs(100 * k / n - pct) <= half + 1e-9) { ks <- c(ks, k); ns <- c(ns, n) }
  }
  list(percent = pct, decimals = decimals, n_min = n_min, n_max = n_max, k = ks, n = ns)
}
recon <- c(
  lapply(c(6.4, 2.3, 33.0, 29.5), brute, decimals = 1, n_min = 30, n_max = 138),
  lapply(c(45.2, 8.3), brute, decimals = 1, n_min = 40, n_max = 136),
  list(brute(6.3, 1, 1, 200),    # ties: 1/16 = 6.25%, 5/80, ...
       brute(13, 0, 1, 100),     # tie: 1/8 = 12.5%
       brute(0, 1, 1, 50),
       brute(100, 0, 150, 250))  # 199.5/200 rounds to 100 at n >= 200
)

out <- list(
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  compare = compare_out, edge = edge, proportion = props, reconstruct = recon
)
write_json(out, "binary.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
