// Package curvature estimates the extreme eigenvalues of a cost's Hessian by
// Lanczos iterations on finite-difference Hessian-vector products, and says
// whether a point is a minimum, a saddle or a plateau.
package curvature
