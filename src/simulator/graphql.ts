// The one place the simulator loads graphql-js. graphql-yoga (loaded by Node) uses graphql's
// CommonJS build; a bundler-style resolver such as vitest's would give a plain `import` the ESM
// build instead: a second copy whose schema and error classes graphql refuses to mix ("Cannot use
// GraphQLSchema from another module or realm"). Requiring it pins the copy yoga uses.
import { createRequire } from 'node:module';

const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

export const {
  GraphQLEnumType,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSkipDirective,
  Kind,
  NoSchemaIntrospectionCustomRule,
  execute,
  getArgumentValues,
  getDirectiveValues,
  getVariableValues,
  locatedError,
  parse,
  parseType,
  parseConstValue,
  print,
} = graphql;

// Class names double as types, as with a normal import.
export type GraphQLEnumType = import('graphql').GraphQLEnumType;
export type GraphQLError = import('graphql').GraphQLError;
export type GraphQLList<T extends import('graphql').GraphQLType> = import('graphql').GraphQLList<T>;
export type GraphQLNonNull<T extends import('graphql').GraphQLNullableType> = import('graphql').GraphQLNonNull<T>;
export type GraphQLObjectType = import('graphql').GraphQLObjectType;
export type GraphQLScalarType = import('graphql').GraphQLScalarType;

export type {
  DefinitionNode,
  DocumentNode,
  ExecutionArgs,
  ExecutionResult,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLOutputType,
  GraphQLResolveInfo,
  GraphQLSchema,
  FieldDefinitionNode,
  InputValueDefinitionNode,
  NamedTypeNode,
  ObjectTypeDefinitionNode,
  OperationDefinitionNode,
  SelectionSetNode,
  TypeNode,
} from 'graphql';
