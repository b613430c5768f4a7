// Package curvature estimates the extreme eigenvalues of a cost's Hessian by
// Lanczos iterations on finite-difference Hessian-vector products, and says
// whether the net and each layer are at a minimum, a saddle, a slope or flat.
package curvature
